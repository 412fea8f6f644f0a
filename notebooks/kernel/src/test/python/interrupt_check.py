"""Interrupts a running cell through Jupyter's interrupt_request and checks the kernel goes on.

Usage: /usr/bin/python3 interrupt_check.py <kernel-name>   (exit 0 = passed; run by KernelNotebookTest)
"""
import sys
import time

from jupyter_client.manager import start_new_kernel


def reply_to(client, msg_id):
    """The shell reply to msg_id (skipping late kernel_info replies of the start-up handshake)."""
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def main(kernel_name):
    manager, client = start_new_kernel(kernel_name=kernel_name, startup_timeout=120)
    try:
        msg_id = client.execute("long n = 0; while (true) { n++; }")
        time.sleep(2)
        manager.interrupt_kernel()
        content = reply_to(client, msg_id)["content"]
        if content["status"] != "error" or content.get("evalue") != "cell interrupted":
            sys.exit(f"interrupted cell replied {content}")
        msg_id = client.execute("n > 0")
        content = reply_to(client, msg_id)["content"]
        if content["status"] != "ok":
            sys.exit(f"cell after the interrupt replied {content}")
        print("interrupt: ok")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main(sys.argv[1])
