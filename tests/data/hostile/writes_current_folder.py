# verdict: pass
import tempfile

with open("stray-output.txt", "w") as handle:
    handle.write("the learner's code wrote this")
with tempfile.NamedTemporaryFile("w", delete=False, prefix="stray-temp-") as handle:
    handle.write("and this")
print("ok")
