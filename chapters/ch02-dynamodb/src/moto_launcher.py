# moto's server on the loopback port given as the first argument, stopped when standard input
# closes (the process that started it exited, for any reason).
import os, sys, threading
from moto.server import main
def watch_parent():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=watch_parent, daemon=True).start()
main(["--host", "127.0.0.1", "--port", sys.argv[1]])
