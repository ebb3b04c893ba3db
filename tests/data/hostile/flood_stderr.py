# verdict: output-limit
import sys

print("ok", flush=True)
while True:
    sys.stderr.write("e" * 4096 + "\n")
