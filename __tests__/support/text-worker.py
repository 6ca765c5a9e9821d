"""A tiny text-streaming Dynamo worker, written on Dynamo's Python worker API (the "Writing Python
Workers" pattern: a DistributedRuntime from @dynamo_worker, register_llm, serve_endpoint).

The mocker returns generated tokens but no text, so tools that judge replies by their content
(aiperf counts a reply without content as a failed request) cannot run against it. This worker
answers every request with real words of the model's own tokenizer, one token per streamed
chunk, for exactly `max_tokens` tokens (it ignores end-of-sequence, like ignore_eos), so the
frontend detokenizes them into text.

    python text-worker.py --model-path DIR [--model-name NAME] [--endpoint dyn://ns.backend.generate]
                          [--delay-ms 1]

Discovery is read from the environment like any Dynamo worker: DYN_DISCOVERY_BACKEND=file and
DYN_FILE_KV=<dir> to sit beside the project's file-discovery stack.
"""

import argparse
import asyncio
import os

import uvloop
from tokenizers import Tokenizer

from dynamo.llm import ModelInput, ModelType, WorkerType, register_llm
from dynamo.runtime import DistributedRuntime, dynamo_worker

TEXT = (
    "The router sends each request to a worker. A worker that already holds the prompt's "
    "prefix in its cache answers sooner, so the first token arrives earlier. "
)


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model-path", required=True)
    p.add_argument("--model-name", default=None)
    p.add_argument("--endpoint", default=f"dyn://{os.environ.get('DYN_NAMESPACE', 'dynamo')}.backend.generate")
    p.add_argument("--delay-ms", type=float, default=1.0, help="pause between tokens")
    return p.parse_args()


class Handler:
    def __init__(self, model_path: str, delay_ms: float):
        tokenizer = Tokenizer.from_file(os.path.join(model_path, "tokenizer.json"))
        self.tokens = tokenizer.encode(TEXT, add_special_tokens=False).ids
        self.delay = delay_ms / 1000.0

    async def generate(self, request, context=None):
        stop = request.get("stop_conditions") or {}
        wanted = stop.get("max_tokens") or 16
        for i in range(wanted):
            if context is not None and getattr(context, "is_stopped", lambda: False)():
                return
            last = i == wanted - 1
            out = {"token_ids": [self.tokens[i % len(self.tokens)]]}
            if last:
                out["finish_reason"] = "length"
            yield out
            if self.delay:
                await asyncio.sleep(self.delay)


@dynamo_worker()
async def main(runtime: DistributedRuntime, args: argparse.Namespace) -> None:
    endpoint = runtime.endpoint(args.endpoint)
    name = args.model_name or os.path.basename(os.path.normpath(args.model_path))
    await register_llm(
        ModelInput.Tokens,
        ModelType.Chat | ModelType.Completions,
        endpoint,
        args.model_path,
        name,
        worker_type=WorkerType.Aggregated,
    )
    handler = Handler(args.model_path, args.delay_ms)
    print(f"text-worker serving {name} at {args.endpoint}", flush=True)
    await endpoint.serve_endpoint(handler.generate)


if __name__ == "__main__":
    uvloop.install()
    asyncio.run(main(parse()))
