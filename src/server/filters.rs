//! Routes: which method and path goes to which handler. Filters here only
//! match and extract (raw path segments, query, headers, the body stream);
//! authentication, decoding and validation happen in the handlers, so a
//! request that matched a route always gets that route's answer. Around
//! everything: `OPTIONS` → 204, unknown routes → JSON 404, CORS headers on
//! every response (errors included) and one log line per request.

use super::errors;
use super::handlers::{self, BodyStream, State};
use bytes::Buf;
use futures_util::TryStreamExt;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;
use warp::filters::BoxedFilter;
use warp::http::HeaderMap;
use warp::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    CONNECTION, CONTENT_LENGTH, HeaderValue, ORIGIN, TRANSFER_ENCODING, VARY,
};
use warp::reply::Response;
use warp::{Filter, Rejection};

type Route = BoxedFilter<(Response,)>;

fn with_state(state: State) -> impl Filter<Extract = (State,), Error = Infallible> + Clone {
    warp::any().map(move || state.clone())
}

fn headers() -> impl Filter<Extract = (HeaderMap,), Error = Infallible> + Clone {
    warp::header::headers_cloned()
}

/// The raw query string, `""` when there is none.
fn query() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

/// The request body as a stream of chunks; the handler reads it (bounded)
/// only after the request is authenticated.
fn body() -> impl Filter<Extract = (BodyStream,), Error = Rejection> + Clone {
    warp::body::stream().map(box_body)
}

fn box_body<S, B>(stream: S) -> BodyStream
where
    S: futures_util::Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf,
{
    Box::pin(stream.map_ok(|mut chunk| chunk.copy_to_bytes(chunk.remaining())))
}

/// Every endpoint of SPEC §4.1.
pub fn routes(state: State) -> Route {
    let s = || with_state(state.clone());
    let preflight = warp::options().and_then(handlers::preflight).boxed();
    let health = warp::path!("health")
        .and(warp::get())
        .and(s())
        .and_then(handlers::health)
        .boxed();
    let capabilities = warp::path!("capabilities")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(handlers::capabilities)
        .boxed();
    let workspaces = warp::path!("workspaces")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(handlers::workspaces)
        .boxed();

    let get_config = warp::path!("workspace" / String / "config")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(|id, state, h| handlers::get_config(state, id, h))
        .boxed();
    let patch_config = warp::path!("workspace" / String / "config")
        .and(warp::patch())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::patch_config(state, id, h, b))
        .boxed();

    let list_plugins = warp::path!("workspace" / String / "plugins")
        .and(warp::get())
        .and(s())
        .and(query())
        .and(headers())
        .and_then(|id, state, q, h| handlers::list_plugins(state, id, q, h))
        .boxed();
    let add_plugin = warp::path!("workspace" / String / "plugins")
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::add_plugin(state, id, h, b))
        .boxed();
    let remove_plugin = warp::path!("workspace" / String / "plugins" / String)
        .and(warp::delete())
        .and(s())
        .and(headers())
        .and_then(|id, name, state, h| handlers::remove_plugin(state, id, name, h))
        .boxed();

    let list_skills = warp::path!("workspace" / String / "skills")
        .and(warp::get())
        .and(s())
        .and(query())
        .and(headers())
        .and_then(|id, state, q, h| handlers::list_skills(state, id, q, h))
        .boxed();
    let upsert_skill = warp::path!("workspace" / String / "skills")
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::upsert_skill(state, id, h, b))
        .boxed();
    let delete_skill = warp::path!("workspace" / String / "skills" / String)
        .and(warp::delete())
        .and(s())
        .and(headers())
        .and_then(|id, name, state, h| handlers::delete_skill(state, id, name, h))
        .boxed();

    let list_mcp = warp::path!("workspace" / String / "mcp")
        .and(warp::get())
        .and(s())
        .and(query())
        .and(headers())
        .and_then(|id, state, q, h| handlers::list_mcp(state, id, q, h))
        .boxed();
    let add_mcp = warp::path!("workspace" / String / "mcp")
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::add_mcp(state, id, h, b))
        .boxed();
    let remove_mcp = warp::path!("workspace" / String / "mcp" / String)
        .and(warp::delete())
        .and(s())
        .and(headers())
        .and_then(|id, name, state, h| handlers::remove_mcp(state, id, name, h))
        .boxed();

    let list_commands = warp::path!("workspace" / String / "commands")
        .and(warp::get())
        .and(s())
        .and(query())
        .and(headers())
        .and_then(|id, state, q, h| handlers::list_commands(state, id, q, h))
        .boxed();
    let upsert_command = warp::path!("workspace" / String / "commands")
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::upsert_command(state, id, h, b))
        .boxed();
    let delete_command = warp::path!("workspace" / String / "commands" / String)
        .and(warp::delete())
        .and(s())
        .and(headers())
        .and_then(|id, name, state, h| handlers::delete_command(state, id, name, h))
        .boxed();

    let audit = warp::path!("workspace" / String / "audit")
        .and(warp::get())
        .and(s())
        .and(query())
        .and(headers())
        .and_then(|id, state, q, h| handlers::audit(state, id, q, h))
        .boxed();
    let export = warp::path!("workspace" / String / "export")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(|id, state, h| handlers::export(state, id, h))
        .boxed();
    let import = warp::path!("workspace" / String / "import")
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::import(state, id, h, b))
        .boxed();

    let list_approvals = warp::path!("approvals")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(handlers::list_approvals)
        .boxed();
    let approval_events = warp::path!("approvals" / "events")
        .and(warp::get())
        .and(s())
        .and(headers())
        .and_then(handlers::approval_events)
        .boxed();
    let reply_approval = warp::path!("approvals" / String)
        .and(warp::post())
        .and(s())
        .and(headers())
        .and(body())
        .and_then(|id, state, h, b| handlers::reply_approval(state, id, h, b))
        .boxed();

    let workspace_routes = get_config
        .or(patch_config)
        .unify()
        .or(list_plugins)
        .unify()
        .or(add_plugin)
        .unify()
        .or(remove_plugin)
        .unify()
        .or(list_skills)
        .unify()
        .or(upsert_skill)
        .unify()
        .or(delete_skill)
        .unify()
        .or(list_mcp)
        .unify()
        .or(add_mcp)
        .unify()
        .or(remove_mcp)
        .unify()
        .or(list_commands)
        .unify()
        .or(upsert_command)
        .unify()
        .or(delete_command)
        .unify()
        .or(audit)
        .unify()
        .or(export)
        .unify()
        .or(import)
        .unify()
        .boxed();
    let host_routes = list_approvals
        .or(approval_events)
        .unify()
        .or(reply_approval)
        .unify()
        .boxed();
    let api = health
        .or(capabilities)
        .unify()
        .or(workspaces)
        .unify()
        .or(workspace_routes)
        .unify()
        .or(host_routes)
        .unify();
    preflight.or(no_trailing_slash().and(api)).unify().boxed()
}

/// As in the original server, `/health/` is not `/health`: a trailing
/// slash is an unknown route.
fn no_trailing_slash() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::path::full()
        .and_then(|path: warp::path::FullPath| async move {
            let p = path.as_str();
            if p.len() > 1 && p.ends_with('/') {
                Err(warp::reject::not_found())
            } else {
                Ok(())
            }
        })
        .untuple_one()
}

/// The CORS policy of SPEC §4.
#[derive(Debug, Clone)]
pub struct Cors {
    any: bool,
    origins: Vec<String>,
}

const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-OpenWork-Host-Token, X-OpenWork-Client-Id";
const ALLOW_METHODS: &str = "GET,POST,PATCH,DELETE,OPTIONS";

impl Cors {
    pub fn new(origins: &[String]) -> Cors {
        Cors {
            any: origins.iter().any(|o| o == "*"),
            origins: origins.to_vec(),
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request, if any.
    fn allow_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        if self.any {
            return Some(HeaderValue::from_static("*"));
        }
        let origin = origin?;
        let text = origin.to_str().ok()?;
        self.origins
            .iter()
            .any(|o| o == text)
            .then(|| origin.clone())
    }

    pub fn apply(&self, request: &HeaderMap, response: &mut Response) {
        let Some(allow) = self.allow_origin(request.get(ORIGIN)) else {
            return;
        };
        let h = response.headers_mut();
        h.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow);
        h.insert(
            ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        h.insert(
            ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        h.insert(VARY, HeaderValue::from_static("Origin"));
    }
}

/// An error answered to a request that carries a body may leave that body
/// unread (a `413` refuses it before reading, a `401` never looks at it).
/// The connection cannot then serve another request, so say so: with
/// `Connection: close` a client opens a new one instead of sending its
/// next request into a connection the server is closing.
fn close_if_body_unread(request: &HeaderMap, response: &mut Response) {
    let has_body = request.contains_key(TRANSFER_ENCODING)
        || request
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let status = response.status();
    if has_body && (status.is_client_error() || status.is_server_error()) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
}

/// The whole application: routes, JSON 404s, CORS and request logging.
pub fn app(state: State) -> BoxedFilter<(Response,)> {
    let cors = Arc::new(Cors::new(&state.settings.cors_origins));
    let routes = routes(state).recover(errors::handle_rejection).unify();
    warp::any()
        .map(Instant::now)
        .and(warp::method())
        .and(warp::path::full())
        .and(headers())
        .and(routes)
        .map(
            move |start: Instant,
                  method: warp::http::Method,
                  path: warp::path::FullPath,
                  request: HeaderMap,
                  mut response: Response| {
                cors.apply(&request, &mut response);
                close_if_body_unread(&request, &mut response);
                // The path only: no query string, and never a header.
                tracing::info!(
                    target: "openwork::http",
                    "{} {} {} {:.1}ms",
                    method,
                    path.as_str(),
                    response.status().as_u16(),
                    start.elapsed().as_secs_f64() * 1000.0
                );
                response
            },
        )
        .boxed()
}
