# The minimal Python smoke script users write: the same two requests as the action
# (GET /v1/models, then one chat completion), with urllib from the standard library.
import json, sys, urllib.request

base = sys.argv[1]
models = json.load(urllib.request.urlopen(base + "/v1/models", timeout=20))["data"]
body = json.dumps({"model": models[0]["id"], "messages": [{"role": "user", "content": "Say hello in one short sentence."}], "max_tokens": 32}).encode()
req = urllib.request.Request(base + "/v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
reply = json.load(urllib.request.urlopen(req, timeout=20))
sys.exit(0 if reply["choices"] else 1)
