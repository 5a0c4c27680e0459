"""Synthetic embedding vectors for the growth benchmark, fitted to the real ones.

Both models start with the real vectors themselves, then add synthetic ones:
- "matched": a real vector chosen at random plus Gaussian noise shaped like the real vectors'
  covariance, its scale chosen so that the local intrinsic dimensionality (LID) that the real
  questions see in the synthetic set is the one they see in the real vectors. Real embeddings are
  clustered and locally low-dimensional; this model keeps that at the size of the real sample.
- "gaussian": draws from one Gaussian with the real mean and covariance. It has no cluster
  structure and an LID about three times the real one, so nearest neighbours are much harder to
  find: a stress test of the approximate index, not a forecast.
"""
from __future__ import annotations

import faiss
import numpy as np

JITTERS = (0.2, 0.3, 0.4, 0.5, 0.7, 1.0)  # noise scales tried, in units of the real covariance


def local_dimension(base: np.ndarray, queries: np.ndarray, k: int = 20) -> float:
    """Median maximum-likelihood LID (Levina & Bickel) over the queries' k nearest distances."""
    index = faiss.IndexFlatL2(base.shape[1])
    index.add(base)
    squared, _ = index.search(queries, k)
    distances = np.sqrt(np.maximum(squared, 1e-12))
    return round(float(np.median(-1 / np.mean(np.log(distances[:, :-1] / distances[:, -1:]), axis=1))), 1)


def fit(real: np.ndarray, queries: np.ndarray, seed: int = 0) -> dict:
    """The jitter whose synthetic set (as large as the real one) shows the queries the real LID."""
    rng = np.random.default_rng(seed)
    real_lid = local_dimension(real, queries)
    tried = {s: local_dimension(_jittered(real, len(real), s, rng), queries) for s in JITTERS}
    jitter = min(tried, key=lambda s: abs(tried[s] - real_lid))
    gaussian = local_dimension(_gaussian(real, len(real), rng), queries)
    return {"real_lid": real_lid, "jitter": jitter, "matched_lid": tried[jitter], "gaussian_lid": gaussian}


def synthesize(real: np.ndarray, n: int, kind: str, jitter: float, rng: np.random.Generator,
               block: int = 100_000) -> np.ndarray:
    """n unit vectors: the real ones first, then synthetic ones of `kind` ("matched" or "gaussian")."""
    out = np.empty((n, real.shape[1]), np.float32)
    head = min(n, len(real))
    out[:head] = real[:head]
    for start in range(head, n, block):
        count = min(block, n - start)
        out[start : start + count] = (_jittered(real, count, jitter, rng) if kind == "matched"
                                      else _gaussian(real, count, rng))
    return out


def _jittered(real: np.ndarray, n: int, scale: float, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal((n, real.shape[1])) @ _covariance_factor(real).T
    return _unit(real[rng.integers(0, len(real), n)] + scale * noise)


def _gaussian(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    return _unit(real.mean(axis=0) + rng.standard_normal((n, real.shape[1])) @ _covariance_factor(real).T)


def _covariance_factor(real: np.ndarray) -> np.ndarray:
    return np.linalg.cholesky(np.cov(real.T) + 1e-6 * np.eye(real.shape[1]))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
