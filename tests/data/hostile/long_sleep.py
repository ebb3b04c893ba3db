# verdict: timeout
import time

print("ok", flush=True)
time.sleep(120)
