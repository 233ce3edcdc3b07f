"""KetGPT: circuit corpus, word tokenizer, GPT-2 model shapes, training, grammar-constrained sampling,
synthetic datasets and verification (validity, realism, novelty, structural profiles).
"""
