# verdict: wrong-output
import sys

sys.stdout.buffer.write(b"ok \xff\xfe\x80\n")
