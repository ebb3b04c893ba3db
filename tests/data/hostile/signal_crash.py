# verdict: error
import ctypes

print("ok", flush=True)
ctypes.string_at(0)
