//! The OpenAPI 3.1 description of the vault's protocol, generated from the handlers' own
//! annotations in [`crate::server`] and the body types of [`medchain_client::protocol`], and
//! served at `GET /v1/openapi.json`. Tools that speak OpenAPI (client generators, API
//! explorers, property-based testers) read the protocol from it; the request signature itself
//! is described in words (three headers, [`medchain_client::protocol`]), as OpenAPI has no
//! scheme for a per-request signature.

use medchain_client::protocol::{
	Challenge, ErasureReceipt, ErrorBody, RecordErasure, VaultInfo, ACCOUNT_HEADER, CHALLENGE_HEADER,
	SIGNATURE_HEADER,
};
use medchain_primitives::health::PurposeOfUse;
use utoipa::{
	openapi::{
		path::{Operation, ParameterIn},
		schema::{Object, Schema, Type},
		security::{ApiKey, ApiKeyValue, SecurityScheme},
		Content, ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder,
	},
	Modify, OpenApi,
};

use crate::server::{self, Config};

/// The names of the three security schemes that together authenticate a request.
pub const ACCOUNT_SCHEME: &str = "account";
pub const CHALLENGE_SCHEME: &str = "challenge";
pub const SIGNATURE_SCHEME: &str = "signature";

#[derive(OpenApi)]
#[openapi(
	info(
		title = "medchain vault",
		description = "The off-chain store of medchain: sealed records and key envelopes, released only when the chain's consent check permits, every release and refusal logged on chain first. A signed request carries three headers: the caller's sr25519 account, a fresh challenge from GET /v1/challenge (one request, 60 seconds), and the signature of the challenge, the method, the path with its query and the BLAKE2-256 hash of the body (see the medchain_client::protocol documentation). Every error is a JSON ErrorBody; any other path answers 404 not_found, any other method on a path 405 method_not_allowed.",
	),
	paths(
		server::challenge,
		server::vault_info,
		server::openapi_document,
		server::put_object,
		server::delete_object,
		server::put_envelope,
		server::get_record,
		server::erase_record,
		server::get_envelope,
	),
	components(schemas(Challenge, ErrorBody, ErasureReceipt, RecordErasure, VaultInfo)),
	modifiers(&SignedRequests, &Purposes, &RawBytes),
)]
struct ApiDoc;

/// The document of a vault with these limits: the largest bodies accepted are stated on the
/// uploads.
pub fn document(config: &Config) -> Document {
	let mut document = ApiDoc::openapi();
	for (path, limit) in [
		("/v1/objects/{hash}", config.max_object_bytes),
		("/v1/objects/{hash}/envelopes/{grantee}", config.max_envelope_bytes),
	] {
		let body = document
			.paths
			.paths
			.get_mut(path)
			.and_then(|item| item.put.as_mut())
			.and_then(|operation| operation.request_body.as_mut());
		if let Some(RefOr::T(body)) = body {
			let said = body.description.take().unwrap_or_default();
			body.description = Some(format!("{said} At most {limit} bytes here (413 too_large above)."));
		}
	}
	document
}

/// The three headers of a signed request, as API keys required together, and the answers
/// every signed request can get from its authentication (`authenticate` in [`crate::server`]).
struct SignedRequests;

impl Modify for SignedRequests {
	fn modify(&self, document: &mut Document) {
		let components = document.components.get_or_insert_with(Default::default);
		for (scheme, header, what) in [
			(ACCOUNT_SCHEME, ACCOUNT_HEADER, "the caller's sr25519 public key, 0x hex"),
			(CHALLENGE_SCHEME, CHALLENGE_HEADER, "a fresh challenge of GET /v1/challenge, 0x hex"),
			(SIGNATURE_SCHEME, SIGNATURE_HEADER, "the sr25519 signature of the request, 0x hex"),
		] {
			components.add_security_scheme(
				scheme,
				SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(header, what))),
			);
		}
		for operation in operations(document) {
			if operation.security.as_ref().is_none_or(Vec::is_empty) {
				continue;
			}
			for (status, description) in [
				(
					"401",
					"Not authenticated: missing_auth, bad_auth_header, unknown_challenge, challenge_used, challenge_expired or bad_signature. Nothing is done.",
				),
				("413", "too_large: the body is longer than this request takes; refused before it is read."),
			] {
				operation.responses.responses.insert(status.to_owned(), error_response(description).into());
			}
		}
	}
}

/// The `purpose` query parameter takes exactly the chain's `PurposeOfUse` variant names.
struct Purposes;

impl Modify for Purposes {
	fn modify(&self, document: &mut Document) {
		let names: Vec<String> = PurposeOfUse::ALL.iter().map(|purpose| format!("{purpose:?}")).collect();
		for operation in operations(document) {
			for parameter in operation.parameters.iter_mut().flatten() {
				let RefOr::T(parameter) = parameter else { continue };
				if parameter.name == "purpose" && parameter.parameter_in == ParameterIn::Query {
					let mut schema = Object::with_type(Type::String);
					schema.enum_values = Some(names.iter().map(|name| name.as_str().into()).collect());
					parameter.schema = Some(RefOr::T(Schema::Object(schema)));
				}
			}
		}
	}
}

/// Sealed records and envelopes are opaque bytes: `application/octet-stream` with no schema
/// (utoipa would describe a `Vec<u8>` as an array of integers, as JSON would carry it).
struct RawBytes;

impl Modify for RawBytes {
	fn modify(&self, document: &mut Document) {
		fn opaque(content: Option<&mut RefOr<Content>>) {
			if let Some(RefOr::T(raw)) = content {
				raw.schema = None;
			}
		}
		for operation in operations(document) {
			if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
				opaque(body.content.get_mut(OCTET_STREAM));
			}
			for response in operation.responses.responses.values_mut() {
				if let RefOr::T(response) = response {
					opaque(response.content.get_mut(OCTET_STREAM));
				}
			}
		}
	}
}

const OCTET_STREAM: &str = "application/octet-stream";

/// Every operation of the document.
fn operations(document: &mut Document) -> impl Iterator<Item = &mut Operation> {
	document.paths.paths.values_mut().flat_map(|item| {
		[
			item.get.as_mut(),
			item.put.as_mut(),
			item.post.as_mut(),
			item.delete.as_mut(),
			item.patch.as_mut(),
			item.head.as_mut(),
		]
		.into_iter()
		.flatten()
	})
}

/// A response with an [`ErrorBody`].
fn error_response(description: &str) -> Response {
	ResponseBuilder::new()
		.description(description)
		.content(
			"application/json",
			ContentBuilder::new()
				.schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody"))))
				.build(),
		)
		.build()
}
