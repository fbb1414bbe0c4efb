# moto's server on a loopback port the OS picks; its first line of output is that port. It stops
# when standard input closes (the process that started it exited, for any reason).
import os, sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.buffer.read()
os._exit(0)
