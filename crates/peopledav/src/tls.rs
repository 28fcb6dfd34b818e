//! TLS for `peopledav serve`: a certificate chain and private key from PEM files, served with
//! rustls (the `ring` provider, TLS 1.2 and 1.3, HTTP/2 and HTTP/1.1 by ALPN).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use axum_server::tls_rustls::RustlsConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Reads the `[tls]` files; errors name the file and what is wrong with it.
pub fn server_config(cert: &Path, key: &Path) -> anyhow::Result<RustlsConfig> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the TLS certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("the TLS certificate {} is not valid PEM", cert.display()))?;
    if chain.is_empty() {
        bail!(
            "{} holds no certificate: give the PEM certificate chain (-----BEGIN CERTIFICATE-----)",
            cert.display()
        );
    }
    let private = PrivateKeyDer::from_pem_file(key).with_context(|| {
        format!(
            "cannot read a private key from {}: give the PEM key (PKCS#8, PKCS#1 or SEC1)",
            key.display()
        )
    })?;
    // ring, as the HTTPS client to Google uses: the aws-lc provider rustls now recommends (for
    // post-quantum key exchange) would add a C build that needs cmake.
    #[allow(deprecated, reason = "ring is chosen on purpose, see above")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("cannot set up TLS")?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .with_context(|| {
            format!(
                "the TLS key {} does not fit the certificate {}",
                key.display(),
                cert.display()
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}
