//! `medchain-vault`: the vault service. See the crate documentation of `medchain_vault`.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, sync::Arc};

use clap::Parser;
use medchain_vault::{
	auth::DEFAULT_MAX_CHALLENGES,
	encoding::to_hex,
	keys::VaultKey,
	server::{DEFAULT_MAX_ENVELOPE_BYTES, DEFAULT_MAX_OBJECT_BYTES},
	store::LocalDirStore,
	subxt_chain::SubxtChain,
	tls, Config, Vault,
};

/// medchain's off-chain encrypted data store and gatekeeper.
#[derive(Debug, Parser)]
#[command(name = "medchain-vault", version, about)]
struct Args {
	/// Address and port to listen on (HTTPS with --tls-cert and --tls-key, else plain HTTP for
	/// the same host or behind a TLS-terminating proxy).
	#[arg(long, default_value = "127.0.0.1:8450")]
	listen: SocketAddr,

	/// Serve HTTPS with this PEM certificate chain (leaf first).
	#[arg(long, value_name = "PEM", requires = "tls_key")]
	tls_cert: Option<PathBuf>,

	/// The PEM private key of --tls-cert.
	#[arg(long, value_name = "PEM", requires = "tls_cert")]
	tls_key: Option<PathBuf>,

	/// The medchain node to ask (consent decisions, record pointers) and to write the access
	/// logs to: a node you operate.
	#[arg(long, default_value = "ws://127.0.0.1:9944")]
	node: String,

	/// Directory of the store, of the vault's key and of its audit log; created if missing.
	#[arg(long, default_value = "vault-data")]
	data_dir: PathBuf,

	/// Largest sealed record accepted, in bytes.
	#[arg(long, default_value_t = DEFAULT_MAX_OBJECT_BYTES as u64,
		value_parser = clap::value_parser!(u64).range(1..))]
	max_object_bytes: u64,

	/// Largest key envelope accepted, in bytes.
	#[arg(long, default_value_t = DEFAULT_MAX_ENVELOPE_BYTES as u64,
		value_parser = clap::value_parser!(u64).range(1..))]
	max_envelope_bytes: u64,

	/// How many authentication challenges are remembered at once.
	#[arg(long, default_value_t = DEFAULT_MAX_CHALLENGES as u64,
		value_parser = clap::value_parser!(u64).range(1..))]
	max_challenges: u64,

	/// Print this vault's protocol as an OpenAPI 3.1 document (what `GET /v1/openapi.json`
	/// serves, with these limits) and exit.
	#[arg(long)]
	print_openapi: bool,
}

fn to_usize(value: u64, flag: &str) -> Result<usize, String> {
	usize::try_from(value).map_err(|_| format!("--{flag} is too large for this machine"))
}

async fn run(args: Args) -> Result<(), String> {
	let config = Config {
		max_object_bytes: to_usize(args.max_object_bytes, "max-object-bytes")?,
		max_envelope_bytes: to_usize(args.max_envelope_bytes, "max-envelope-bytes")?,
		max_challenges: to_usize(args.max_challenges, "max-challenges")?,
	};
	if args.print_openapi {
		let document = medchain_vault::openapi::document(&config);
		let json = document.to_pretty_json().map_err(|e| format!("the OpenAPI document: {e}"))?;
		println!("{json}");
		return Ok(());
	}
	let tls = match (&args.tls_cert, &args.tls_key) {
		(Some(cert), Some(key)) => Some(tls::load_server_config(cert, key)?),
		_ => None,
	};
	let store = LocalDirStore::open(&args.data_dir)
		.map_err(|e| format!("cannot open the store in {}: {e}", args.data_dir.display()))?;
	let key = VaultKey::load_or_create(&args.data_dir).map_err(|e| e.to_string())?;
	eprintln!("medchain-vault: data in {}", args.data_dir.display());
	eprintln!(
		"medchain-vault: vault account {} (signs erasure receipts and the access logs: it must \
		 be a registered provider on chain, with funds for fees)",
		to_hex(&key.public())
	);
	let chain = SubxtChain::connect(&args.node, &key, &args.data_dir).await?;
	let finalized = chain
		.finalized_number()
		.await
		.map_err(|e| format!("the node at {} does not answer: {e}", args.node))?;
	eprintln!("medchain-vault: node {} (finalized block #{finalized})", args.node);
	let vault = Vault::new(Arc::new(store), Arc::new(chain), key, config);

	let listener = tokio::net::TcpListener::bind(args.listen)
		.await
		.map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
	let shutdown = async {
		// If the signal handler cannot be installed, run until killed.
		if tokio::signal::ctrl_c().await.is_err() {
			std::future::pending::<()>().await;
		}
	};
	match tls {
		Some(config) => {
			eprintln!("medchain-vault: listening on https://{}", args.listen);
			tls::serve(listener, config, vault.router(), shutdown).await
		},
		None => {
			eprintln!("medchain-vault: listening on http://{}", args.listen);
			axum::serve(listener, vault.router())
				.with_graceful_shutdown(shutdown)
				.await
				.map_err(|e| format!("server failed: {e}"))
		},
	}
}

#[tokio::main]
async fn main() -> ExitCode {
	match run(Args::parse()).await {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("medchain-vault: {message}");
			ExitCode::FAILURE
		},
	}
}
