"""Interrupts a running cell through Jupyter's interrupt_request and checks the kernel goes on.

Usage: /usr/bin/python3 interrupt_check.py <kernel-name>   (exit 0 = passed; run by KernelNotebookTest)
"""
import sys

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120  # seconds; generous because CI machines are shared


def wait_for_stream(client, msg_id, text):
    """Waits until the cell msg_id has printed text (so its loop is surely running)."""
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream"
                and text in msg["content"]["text"]):
            return


def reply_to(client, msg_id):
    """The shell reply to msg_id (skipping late kernel_info replies of the start-up handshake)."""
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def main(kernel_name):
    manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=TIMEOUT)
    try:
        client.execute("long n = 0;")
        msg_id = client.execute('while (true) { if (n++ == 0) System.out.println("started"); }')
        wait_for_stream(client, msg_id, "started")
        manager.interrupt_kernel()
        content = reply_to(client, msg_id)["content"]
        if content["status"] != "error" or content.get("evalue") != "cell interrupted":
            sys.exit(f"interrupted cell replied {content}")
        msg_id = client.execute("if (n <= 0) throw new AssertionError(n);")
        content = reply_to(client, msg_id)["content"]
        if content["status"] != "ok":
            sys.exit(f"cell after the interrupt replied {content}")
        print("interrupt: ok")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main(sys.argv[1])
