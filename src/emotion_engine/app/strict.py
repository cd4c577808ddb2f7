"""Gradio Blocks that refuse a call with the wrong number of values and keep refusals short.

Gradio passes an event's function as many values as it has inputs and drops any extra ones
(a fifth value sent to ``/simulate`` would vanish unseen); its own refusals of a component's
value (a choice not offered, a number out of bounds) repeat the value whole. A
:class:`StrictBlocks` refuses a call whose values do not match the inputs one for one, and
abridges every refusal of its inputs to about :data:`~emotion_engine.text.MAX_ECHO`
characters on each side of the cut. :func:`app_options` does the same for the web server's
own refusal of a malformed request (FastAPI repeats the whole body in it).
"""

from __future__ import annotations

import inspect
from typing import Any

import gradio as gr
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from emotion_engine.app.inputs import abridge

MAX_REPORTED = 10
"""Most problems of one malformed request that the refusal lists."""


def _parameters(block_fn: Any) -> str:
    """The names of an event function's parameters, comma-separated."""
    return ", ".join(inspect.signature(block_fn.fn).parameters)


class StrictBlocks(gr.Blocks):
    """``gr.Blocks`` whose events take exactly their inputs' values (see the module)."""

    async def preprocess_data(self, block_fn: Any, inputs: list[Any], *args: Any, **kw: Any):
        """Gradio's preprocessing, after checking the number of values; a refusal abridged."""
        if inputs is None or len(inputs) != len(block_fn.inputs):
            got = "none" if inputs is None else len(inputs)
            raise gr.Error(
                f"/{block_fn.api_name} takes {len(block_fn.inputs)} values "
                f"({_parameters(block_fn)}); got {got}"
            )
        try:
            return await super().preprocess_data(block_fn, inputs, *args, **kw)
        except gr.Error as e:
            raise gr.Error(abridge(e.message)) from None
        except Exception as e:  # Gradio's errors for a value its component cannot read
            raise gr.Error(abridge(str(e))) from None


async def _malformed(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 for a malformed request, without the input it would repeat whole."""
    detail = [
        {
            "type": e["type"],
            "loc": [abridge(p) if isinstance(p, str) else p for p in e["loc"]],
            "msg": abridge(str(e["msg"])),
        }
        for e in error.errors()[:MAX_REPORTED]
    ]
    return JSONResponse({"detail": detail}, status_code=422)


def app_options() -> dict[str, Any]:
    """The keyword arguments for the web server (``launch(app_kwargs=...)``): short refusals
    of malformed requests."""
    return {"exception_handlers": {RequestValidationError: _malformed}}
