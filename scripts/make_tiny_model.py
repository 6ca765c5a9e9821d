#!/usr/bin/env python3
"""Generate a tiny, download-free model directory for the Dynamo mocker.

Writes into OUT_DIR (default: .dynamo/tiny-model):
  tokenizer.json         BPE tokenizer (Metaspace, ASCII alphabet) trained on generated text
  tokenizer_config.json  with a Jinja chat_template for OpenAI-style messages
  config.json            small llama-like config (vocab_size matches the tokenizer)
  generation_config.json bos/eos ids

The tokenizer is deliberately small (vocab ~1000), so ordinary English prompts split into
several tokens per word: a prompt of ~150 words gives several hundred tokens, enough for
KV prefix-reuse tests (mocker block size 64). Every token decodes to ASCII (plus the
Metaspace marker), so random generated token ids always detokenize cleanly.

Deterministic: the same script produces byte-identical files. Nothing is downloaded.
Usage: python make_tiny_model.py [OUT_DIR]
"""

import json
import os
import random
import string
import sys

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

VOCAB_SIZE = 1000
SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>"]

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>' }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% elif message['content'] %}{% for part in message['content'] %}"
    "{% if part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}"
    "</s>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>' }}\n{% endif %}"
)

BASE_WORDS = (
    "the a an of to in on for with and or but not is are was were be been have has had do does "
    "did will would can could should may might must this that these those it its they them their "
    "we our you your he she his her router worker cache prefix token request model frontend "
    "dynamo kv block event route mode load latency throughput metric health live ready serve "
    "serving prompt completion chat system user assistant message stream usage hit rate "
    "overhead queue decode prefill engine mocker tiny test check smoke verify deploy cluster "
    "pod service graph config value number time second minute hour day week data text word "
    "sentence paragraph document story river mountain forest city ocean garden window table "
    "chair book paper pencil music light dark green blue red yellow quick brown fox jumps over "
    "lazy dog hello world please answer question explain describe summarize compare list"
).split()


def generated_corpus(seed: int = 1234) -> list[str]:
    """A few thousand words: base English words plus pseudo-words built from syllables."""
    rng = random.Random(seed)
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
              "br", "cl", "dr", "gr", "pl", "st", "tr", "sh", "ch", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck"]
    pseudo = sorted(
        {
            "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(rng.randint(1, 3)))
            for _ in range(400)
        }
    )
    words = BASE_WORDS + pseudo
    lines = []
    for _ in range(600):
        n = rng.randint(6, 16)
        sent = " ".join(rng.choice(words) for _ in range(n))
        if rng.random() < 0.3:
            sent += " " + str(rng.randint(0, 9999))
        lines.append(sent.capitalize() + rng.choice([".", "?", "!", ",", ":", ";"]))
    # Make sure every printable ASCII character is in the alphabet.
    lines.append(" ".join(string.printable.strip()))
    lines.append(string.printable.strip())
    lines.append("\n".join(lines[:50]))
    return lines


def build_tokenizer() -> Tokenizer:
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="first")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="first")
    alphabet = sorted(set(string.printable.strip()) | {"\u2581", "\n", "\t"})
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=alphabet,
        limit_alphabet=len(alphabet),
        show_progress=False,
    )
    tok.train_from_iterator(generated_corpus(), trainer=trainer)
    return tok


def main() -> int:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(".dynamo", "tiny-model")
    os.makedirs(out, exist_ok=True)
    tok = build_tokenizer()
    vocab_size = tok.get_vocab_size()
    bos_id = tok.token_to_id("<s>")
    eos_id = tok.token_to_id("</s>")
    unk_id = tok.token_to_id("<unk>")
    tok.save(os.path.join(out, "tokenizer.json"))

    max_len = 32768
    tokenizer_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "pad_token": "</s>",
        "add_bos_token": False,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": max_len,
        "chat_template": CHAT_TEMPLATE,
    }
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 16,
        "hidden_act": "silu",
        "max_position_embeddings": max_len,
        "rms_norm_eps": 1e-06,
        "rope_theta": 10000.0,
        "tie_word_embeddings": True,
        "torch_dtype": "float16",
        "vocab_size": vocab_size,
        "bos_token_id": bos_id,
        "eos_token_id": eos_id,
        "pad_token_id": eos_id,
    }
    generation_config = {"bos_token_id": bos_id, "eos_token_id": eos_id, "pad_token_id": eos_id}
    for name, data in (
        ("tokenizer_config.json", tokenizer_config),
        ("config.json", config),
        ("generation_config.json", generation_config),
    ):
        with open(os.path.join(out, name), "w") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")

    sample = "Please summarize the quick brown fox story about the router and the cache. " * 3
    n = len(tok.encode(sample).ids)
    print(
        f"tiny model: {out} vocab_size={vocab_size} bos={bos_id} eos={eos_id} unk={unk_id} "
        f"sample_words={len(sample.split())} sample_tokens={n}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
