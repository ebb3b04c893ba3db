# verdict: wrong-output
import os

os._exit(0)
print("ok")
