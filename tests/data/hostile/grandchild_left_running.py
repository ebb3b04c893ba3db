# verdict: pass
import os
import subprocess
import sys

marker = os.environ.get("HOSTILE_MARKER", "hostile-marker")
# One grandchild in the same process group, one that leaves it with setsid, both meant to
# outlive the run; both hold stdout open.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", marker])
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", marker], start_new_session=True)
print("ok", flush=True)
