# verdict: error
# Files the learner's code writes are capped: past the cap the write fails (EFBIG).
with open("big.bin", "wb") as handle:
    chunk = b"\0" * (1 << 20)
    for _ in range(200):
        handle.write(chunk)
print("ok")
