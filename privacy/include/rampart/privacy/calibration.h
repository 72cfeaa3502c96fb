// Noise calibration: from (ε, δ, sensitivity) to a Laplace scale or a Gaussian σ, and back.
//
//   double sigma = rampart::privacy::AnalyticGaussianSigma(1.0, 1e-5, 1.0);   // ≈ 3.7305
//   double delta = rampart::privacy::GaussianDelta(sigma, 1.0, 1.0);          // <= 1e-5
//   double dsigma = rampart::privacy::DiscreteGaussianSigma(1.0, 1e-5, 1);    // exact, on Z
//
// Sources:
//  - Laplace: Dwork, McSherry, Nissim & Smith 2006; scale = Δ/ε gives ε-DP.
//  - Classical Gaussian: Dwork & Roth 2014, Theorem A.1: σ = Δ sqrt(2 ln(1.25/δ))/ε, valid only
//    for ε < 1 (and loose).
//  - Analytic Gaussian: Balle & Wang, "Improving the Gaussian Mechanism for Differential Privacy"
//    (ICML 2018), Theorem 8 (exact δ(ε) of the Gaussian) and Algorithm 1 (the smallest σ).
//  - Discrete Gaussian: Canonne, Kamath & Steinke 2020, Theorem 7: the exact δ(ε) of
//    y + N_Z(0, σ²) for integer sensitivity Δ, computed here by summing the pmf.
#pragma once

#include <cstdint>

namespace rampart::privacy {

// Δ/ε (the Laplace mechanism's scale for ε-DP). Validates its arguments.
[[nodiscard]] double LaplaceScale(double epsilon, double sensitivity);

// Dwork & Roth Thm A.1. Throws InvalidArgumentError for ε >= 1, where the bound does not hold.
[[nodiscard]] double ClassicalGaussianSigma(double epsilon, double delta, double sensitivity);

// The exact δ of the Gaussian mechanism with noise σ at ε for L2 sensitivity Δ (Balle & Wang
// Thm 8): Φ(Δ/(2σ) - εσ/Δ) - e^ε Φ(-Δ/(2σ) - εσ/Δ).
[[nodiscard]] double GaussianDelta(double sigma, double epsilon, double sensitivity);

// The smallest σ with GaussianDelta(σ, ε, Δ) <= δ (Balle & Wang Algorithm 1, solved to machine
// precision and then checked against Thm 8, rounding σ up if needed).
[[nodiscard]] double AnalyticGaussianSigma(double epsilon, double delta, double sensitivity);

// The exact δ of y + N_Z(0, σ²) at ε for integer sensitivity Δ >= 1 (CKS Thm 7): the hockey-stick
// divergence Σ_y max(0, p(y) - e^ε p(y-Δ)) summed over the integers where it is positive, with the
// normaliser Σ_y exp(-y²/2σ²) summed directly for σ < 4 and by the Jacobi theta identity
// σ√(2π)(1 + 2Σ_k exp(-2π²σ²k²)) (exact to double precision) above. σ in [2^-10, 2^24].
[[nodiscard]] double DiscreteGaussianDelta(double sigma, double epsilon, std::int64_t sensitivity);

// The smallest σ (to a relative 1e-10, rounded up) with DiscreteGaussianDelta(σ, ε, Δ) <= δ,
// found by bracketing around the analytic (continuous) σ and bisection.
[[nodiscard]] double DiscreteGaussianSigma(double epsilon, double delta, std::int64_t sensitivity);

namespace internal {
// log Φ(x), accurate in the far lower tail (asymptotic series below -30).
[[nodiscard]] double LogNormalCdf(double x);
// Σ_y exp(-y²/(2σ²)) over all integers y.
[[nodiscard]] double DiscreteGaussianNormalizer(double sigma);
}  // namespace internal

}  // namespace rampart::privacy
