//! HTTPS for the vault itself (`--tls-cert`, `--tls-key`): rustls with the `ring` provider,
//! TLS 1.2 and 1.3, HTTP/1.1. Each connection's handshake runs in its own task with a time
//! limit, so a slow client holds up nobody else. A vault may instead sit behind a
//! TLS-terminating proxy that passes paths unchanged (they are signed).

use std::{path::Path, sync::Arc, time::Duration};

use axum::Router;
use hyper_util::{
	rt::{TokioExecutor, TokioIo},
	server::conn::auto::Builder,
	service::TowerToHyperService,
};
use rustls::{
	pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
	ServerConfig,
};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// How long a client may take to complete its TLS handshake.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The server's TLS settings from a PEM certificate chain (leaf first) and its PEM private key
/// (PKCS#8, PKCS#1 or SEC1).
pub fn server_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<ServerConfig, String> {
	let chain = CertificateDer::pem_slice_iter(cert_pem)
		.collect::<Result<Vec<_>, _>>()
		.map_err(|e| format!("the certificate file is not PEM certificates: {e}"))?;
	if chain.is_empty() {
		return Err("the certificate file holds no PEM certificate".into());
	}
	let key = PrivateKeyDer::from_pem_slice(key_pem)
		.map_err(|e| format!("the key file holds no PEM private key: {e}"))?;
	let provider = Arc::new(rustls::crypto::ring::default_provider());
	let mut config = ServerConfig::builder_with_provider(provider)
		.with_safe_default_protocol_versions()
		.map_err(|e| e.to_string())?
		.with_no_client_auth()
		.with_single_cert(chain, key)
		.map_err(|e| format!("the certificate and the key do not go together: {e}"))?;
	config.alpn_protocols = vec![b"http/1.1".to_vec()];
	Ok(config)
}

/// [`server_config`] from the files at `cert` and `key`.
pub fn load_server_config(cert: &Path, key: &Path) -> Result<ServerConfig, String> {
	let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
	server_config(&read(cert)?, &read(key)?)
}

/// Serves `router` over TLS on `listener` until `shutdown` completes (connections under way
/// are not waited for).
pub async fn serve(
	listener: TcpListener,
	config: ServerConfig,
	router: Router,
	shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
	let acceptor = TlsAcceptor::from(Arc::new(config));
	tokio::pin!(shutdown);
	loop {
		let (tcp, _peer) = tokio::select! {
			accepted = listener.accept() => match accepted {
				Ok(accepted) => accepted,
				// A failed accept (e.g. too many open files) ends no other connection.
				Err(error) => {
					eprintln!("medchain-vault: accept failed: {error}");
					tokio::time::sleep(Duration::from_millis(100)).await;
					continue;
				},
			},
			() = &mut shutdown => return Ok(()),
		};
		let acceptor = acceptor.clone();
		let service = TowerToHyperService::new(router.clone());
		tokio::spawn(async move {
			let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await
			else {
				return;
			};
			// A connection that fails mid-way concerns that client only.
			let _ = Builder::new(TokioExecutor::new())
				.http1_only()
				.serve_connection(TokioIo::new(tls), service)
				.await;
		});
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn unusable_files_are_refused_with_a_reason() {
		assert!(server_config(b"", b"").unwrap_err().contains("no PEM certificate"));
		let cert = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
		assert!(server_config(cert, b"no key").unwrap_err().contains("no PEM private key"));
	}
}
