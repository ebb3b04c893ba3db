# verdict: memory-limit
blob = bytearray(8 * 1024**3)
print("ok")
