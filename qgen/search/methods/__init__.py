"""Search methods over a pool (a registry): random search, REINFORCE and Bayesian optimisation in the latent
space, and a structure predictor (the predictor-based QAS comparison)."""

from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, latent_methods, standardise
from qgen.search.methods.bo import BayesOpt
from qgen.search.methods.predictor import PredictorSearch
from qgen.search.methods.random_search import RandomSearch
from qgen.search.methods.reinforce import Reinforce

__all__ = [
    "METHODS",
    "BayesOpt",
    "Oracle",
    "PredictorSearch",
    "RandomSearch",
    "Reinforce",
    "SearchMethod",
    "Trace",
    "latent_methods",
    "standardise",
]
