# moto's server on a loopback port the OS picks; its first line of output is that port. It stops
# when standard input closes (the process that started it exited, for any reason).
#
# moto answers each request on a thread of its own, and its conditional writes are a read and a
# write with no lock between them: two PutItems with `attribute_not_exists` on one key can both
# succeed, which DynamoDB never allows. Writes therefore take one lock here, one at a time, as
# DynamoDB serializes the writes to one item; reads stay concurrent.
import os, sys, threading
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

WRITES = {"PutItem", "DeleteItem", "UpdateItem", "BatchWriteItem", "TransactWriteItems"}
app = DomainDispatcherApplication(create_backend_app)
one_write_at_a_time = threading.Lock()


def serve(environ, start_response):
    operation = environ.get("HTTP_X_AMZ_TARGET", "").rsplit(".", 1)[-1]
    if operation not in WRITES:
        return app(environ, start_response)
    with one_write_at_a_time:
        # The whole answer is produced under the lock.
        return list(app(environ, start_response))


server = make_server("127.0.0.1", 0, serve, True, request_handler=MotoRequestHandler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.buffer.read()
os._exit(0)
