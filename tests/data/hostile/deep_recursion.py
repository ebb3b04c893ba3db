# verdict: error
import sys

# With the recursion limit raised far past what the C stack holds, recursion that passes
# through C (repr calling __repr__ calling repr) overflows the stack: up to 3.11 the
# interpreter dies by SIGSEGV; newer versions stop it with RecursionError. An error either way.
sys.setrecursionlimit(10**8)


class Loop:
    def __repr__(self):
        return repr(self)


print("ok", flush=True)
repr(Loop())
