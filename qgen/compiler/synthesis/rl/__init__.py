"""Learned synthesis: the gymnasium environment, the deep-Q network, its training and its evaluation.

``model`` / ``trainer`` / ``training`` / ``evaluation`` need only torch; ``env`` and ``compare`` need the
``rl`` extra (gymnasium, stable-baselines3) and are imported on their own.
"""

from qgen.compiler.synthesis.rl.model import DeepQConfig, DeepQModel
from qgen.compiler.synthesis.rl.trainer import DeepQTrainer
from qgen.compiler.synthesis.rl.training import evaluate_model, train_synthesizer

__all__ = ["DeepQConfig", "DeepQModel", "DeepQTrainer", "evaluate_model", "train_synthesizer"]
