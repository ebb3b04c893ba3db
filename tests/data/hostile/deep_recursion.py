# verdict: error
import sys

# With the recursion limit raised far past what the C stack holds, recursion through C code
# (repr of a deeply nested list) overflows the stack: the interpreter dies by a signal.
sys.setrecursionlimit(10**8)
nested = []
for _ in range(300_000):
    nested = [nested]
print("ok", flush=True)
print(repr(nested)[:10])
