# verdict: pass
import os
import sys
import time

marker = os.environ.get("HOSTILE_MARKER", "hostile-marker")
for _ in range(5):
    if os.fork() == 0:
        sys.argv.append(marker)
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", marker])
print("ok", flush=True)
