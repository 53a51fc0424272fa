"""A real Jupyter kernel driven as a front end drives it: code runs, comm messages flow.

The widget tests talk to the kernel over the Jupyter protocol itself: ``run``
executes code and returns what the kernel published; ``comm_send`` sends a
widget's comm the message a browser's widget manager would (an ``update`` of
state, or a ``custom`` message) and returns what the kernel answered on that
comm. Nothing of the widget is imitated: its state and replies are the
kernel's.
"""

from __future__ import annotations

from jupyter_client.manager import start_new_kernel

TIMEOUT = 120  # seconds for one reply: the machine may be loaded, never a timing assertion


class KernelError(AssertionError):
    """Code run in the kernel raised: the traceback, as the kernel printed it."""


class Kernel:
    """An ipykernel in a subprocess (this interpreter's kernelspec) and a client."""

    def __init__(self) -> None:
        self.manager, self.client = start_new_kernel(kernel_name="python3",
                                                     startup_timeout=TIMEOUT)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

    def run(self, code: str) -> list[dict]:
        """Execute ``code``; the iopub messages it caused (raises ``KernelError``)."""
        msg_id = self.client.execute(code)
        messages = self._collect(msg_id)
        for msg in messages:
            if msg["msg_type"] == "error":
                raise KernelError("\n".join(msg["content"]["traceback"]))
        return messages

    def stdout(self, code: str) -> str:
        return "".join(m["content"]["text"] for m in self.run(code)
                       if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def comm_send(self, comm_id: str, data: dict) -> list[dict]:
        """Send ``data`` on comm ``comm_id``; the data of the comm messages answering it."""
        msg = self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.client.shell_channel.send(msg)
        return comm_data(self._collect(msg["header"]["msg_id"]), comm_id)

    def _collect(self, msg_id: str) -> list[dict]:
        """iopub messages caused by ``msg_id``, up to the kernel going idle."""
        out = []
        while True:
            msg = self.client.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out
            out.append(msg)


def widget_opened(messages: list[dict], model_name: str = "AnyModel") -> tuple[str, dict]:
    """The comm id and first state of the widget ``messages`` opened."""
    for msg in messages:
        content = msg["content"]
        if (msg["msg_type"] == "comm_open"
                and content["data"]["state"].get("_model_name") == model_name):
            return content["comm_id"], content["data"]["state"]
    raise AssertionError(f"no {model_name} widget was opened")


def comm_data(messages: list[dict], comm_id: str) -> list[dict]:
    """The data of the messages on comm ``comm_id`` among ``messages``."""
    return [m["content"]["data"] for m in messages
            if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id]


def custom_replies(data: list[dict]) -> list[dict]:
    return [d["content"] for d in data if d.get("method") == "custom"]


def state_updates(data: list[dict]) -> dict:
    """Every state the kernel sent, merged in order (what a front end ends up with)."""
    state: dict = {}
    for d in data:
        if d.get("method") in ("update", "echo_update"):
            state.update(d["state"])
    return state
