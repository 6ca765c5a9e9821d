// A stub tiny model directory (config + tokenizer, no weights) for the stand-in's own tests, used only
// when the project's `.dynamo/tiny-model` (made by scripts/setup-dynamo.sh) does not exist yet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PY = String.raw`
import json, sys
from tokenizers import Tokenizer, models, pre_tokenizers, decoders
out = sys.argv[1]
words = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>", "user", "assistant", "system"]
words += [chr(c) for c in range(33, 127)]
words += ["hello", "world", "the", "a", "is", "of", "and", "to", "in", "router", "dynamo", "kv", "cache", "test"]
vocab = {w: i for i, w in enumerate(dict.fromkeys(words))}
tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
tok.pre_tokenizer = pre_tokenizers.Whitespace()
tok.decoder = decoders.WordPiece(prefix="##")
tok.save(out + "/tokenizer.json")
cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": len(vocab),
       "hidden_size": 64, "intermediate_size": 128, "num_attention_heads": 4, "num_key_value_heads": 4,
       "num_hidden_layers": 2, "max_position_embeddings": 4096, "bos_token_id": 1, "eos_token_id": 2,
       "torch_dtype": "float16", "rms_norm_eps": 1e-6}
json.dump(cfg, open(out + "/config.json", "w"), indent=2)
tc = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
      "model_max_length": 4096,
      "chat_template": "{% for m in messages %}<|im_start|>{{ m['role'] }} {{ m['content'] }}<|im_end|> {% endfor %}{% if add_generation_prompt %}<|im_start|>assistant {% endif %}"}
json.dump(tc, open(out + "/tokenizer_config.json", "w"), indent=2)
json.dump({"bos_token_id": 1, "eos_token_id": 2}, open(out + "/generation_config.json", "w"))
`;

export function ensureTinyModel(dir: string, python: string): string {
  if (existsSync(join(dir, 'tokenizer.json')) && existsSync(join(dir, 'config.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  const script = join(dir, '.make_tiny_model.py');
  writeFileSync(script, PY);
  execFileSync(python, [script, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return dir;
}
