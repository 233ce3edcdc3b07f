"""Fine-tuned causal LLMs that write OpenQASM 3: base-model registry, chat data, training,
grammar-constrained generation, scoring and evaluation reports.
"""
