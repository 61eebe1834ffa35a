//! Routes: which method and path goes to which handler. Filters here only
//! match and extract (the path parameters, then the [`Request`]: headers,
//! query, the body stream); authentication, decoding and validation happen
//! in the handlers, so a request that matched a route always gets that
//! route's answer. Around everything: a `Host` that does not name this
//! server → 421 (before anything else), `OPTIONS` → 204, unknown routes →
//! JSON 404, CORS headers on every response (errors included) and one log
//! line per request.

use super::conn::Standing;
use super::cors::Cors;
use super::endpoints::{approvals, audit, commands, config, mcp, meta, plugins, skills, transfer};
use super::errors;
use super::events;
use super::reply::respond;
use super::request::{BodyStream, Request};
use super::state::State;
use bytes::Buf;
use futures_util::TryStreamExt;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use warp::filters::BoxedFilter;
use warp::host::Authority;
use warp::http::HeaderMap;
use warp::http::header::{CONNECTION, CONTENT_LENGTH, HeaderValue, TRANSFER_ENCODING};
use warp::reply::Response;
use warp::{Filter, Rejection};

type Route = BoxedFilter<(Response,)>;

fn headers() -> impl Filter<Extract = (HeaderMap,), Error = Infallible> + Clone {
    warp::header::headers_cloned()
}

/// The raw query string, `""` when there is none.
fn query() -> impl Filter<Extract = (String,), Error = Infallible> + Clone {
    warp::query::raw().or(warp::any().map(String::new)).unify()
}

fn box_body<S, B>(stream: S) -> BodyStream
where
    S: futures_util::Stream<Item = Result<B, warp::Error>> + Send + 'static,
    B: Buf,
{
    Box::pin(stream.map_ok(|mut chunk| chunk.copy_to_bytes(chunk.remaining())))
}

/// The [`Request`] a handler gets; its body is read (bounded) only once
/// the request is authenticated.
fn request(state: State) -> impl Filter<Extract = (Request,), Error = Rejection> + Clone {
    warp::any()
        .map(move || state.clone())
        .and(headers())
        .and(query())
        .and(warp::body::stream().map(box_body))
        .and(warp::ext::optional::<Standing>())
        .map(|state, headers, query, body, standing| Request {
            state,
            headers,
            query,
            body: Some(body),
            standing,
            held: None,
        })
}

/// One endpoint: `method` on `path` (its parameters as one value) answered
/// by `handler`, whose `Result` becomes the response here.
fn route<M, P, T, H, F>(state: &State, method: M, path: P, handler: H) -> Route
where
    M: Filter<Extract = (), Error = Rejection> + Clone + Send + Sync + 'static,
    P: Filter<Extract = (T,), Error = Rejection> + Clone + Send + Sync + 'static,
    T: Send + 'static,
    H: Fn(Request, T) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = crate::Result<Response>> + Send + 'static,
{
    path.and(method)
        .and(request(state.clone()))
        .then(move |params: T, req: Request| {
            let answer = handler(req, params);
            async move { respond(answer.await) }
        })
        .boxed()
}

/// Path parameters as one value: none, or two.
fn none() {}
fn pair(a: String, b: String) -> (String, String) {
    (a, b)
}

/// The first of the filters that matches: `a.or(b).unify().or(c).unify()…`,
/// one filter (boxed once by its user, not at each `or`).
macro_rules! any_of {
    ($first:expr $(, $rest:expr)* $(,)?) => {
        $first $(.or($rest).unify())*
    };
}

/// Every endpoint of docs/api.md#endpoints.
pub fn routes(state: State) -> Route {
    use warp::path;
    use warp::{delete, get, patch, post};
    let s = &state;
    // In groups, each boxed once: one chain of every route nests its
    // futures' types too deep for the compiler's auto-trait checks.
    let meta = any_of![
        route(s, get(), path!("health").map(none), meta::health),
        route(
            s,
            get(),
            path!("capabilities").map(none),
            meta::capabilities,
        ),
        route(s, get(), path!("workspaces").map(none), meta::workspaces),
    ]
    .boxed();
    let workspace = any_of![
        route(
            s,
            get(),
            path!("workspace" / String / "config"),
            config::get,
        ),
        route(
            s,
            patch(),
            path!("workspace" / String / "config"),
            config::patch,
        ),
        route(
            s,
            get(),
            path!("workspace" / String / "plugins"),
            plugins::list,
        ),
        route(
            s,
            post(),
            path!("workspace" / String / "plugins"),
            plugins::add,
        ),
        route(
            s,
            delete(),
            path!("workspace" / String / "plugins" / String).map(pair),
            plugins::remove,
        ),
        route(
            s,
            get(),
            path!("workspace" / String / "skills"),
            skills::list,
        ),
        route(
            s,
            post(),
            path!("workspace" / String / "skills"),
            skills::upsert,
        ),
        route(
            s,
            delete(),
            path!("workspace" / String / "skills" / String).map(pair),
            skills::delete,
        ),
        route(s, get(), path!("workspace" / String / "mcp"), mcp::list),
        route(s, post(), path!("workspace" / String / "mcp"), mcp::add),
        route(
            s,
            delete(),
            path!("workspace" / String / "mcp" / String).map(pair),
            mcp::remove,
        ),
        route(
            s,
            get(),
            path!("workspace" / String / "commands"),
            commands::list,
        ),
        route(
            s,
            post(),
            path!("workspace" / String / "commands"),
            commands::upsert,
        ),
        route(
            s,
            delete(),
            path!("workspace" / String / "commands" / String).map(pair),
            commands::delete,
        ),
        route(s, get(), path!("workspace" / String / "audit"), audit::list),
        route(
            s,
            get(),
            path!("workspace" / String / "export"),
            transfer::export,
        ),
        route(
            s,
            post(),
            path!("workspace" / String / "import"),
            transfer::import,
        ),
    ]
    .boxed();
    let approvals = any_of![
        route(s, get(), path!("approvals").map(none), approvals::list),
        route(
            s,
            get(),
            path!("approvals" / "events").map(none),
            events::stream,
        ),
        route(
            s,
            post(),
            path!("approvals" / "handshake").map(none),
            approvals::handshake,
        ),
        route(s, get(), path!("approvals" / String), approvals::show),
        route(s, post(), path!("approvals" / String), approvals::reply),
    ]
    .boxed();
    let api = any_of![meta, workspace, approvals];
    let preflight = warp::options().map(meta::preflight);
    preflight.or(no_trailing_slash().and(api)).unify().boxed()
}

/// `/health/` is not `/health`: a trailing slash is an unknown route
/// (docs/api.md#conventions): one path per resource, as the OpenWork
/// clients use them.
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

/// An error answered to a request that carries a body may leave that body
/// unread (a `413` refuses it before reading, a `401` never looks at it).
/// The connection cannot then serve another request, so say so: with
/// `Connection: close` a client opens a new one instead of sending its
/// next request into a connection the server is closing. A `421` or a
/// `429` closes the connection too.
fn close_if_body_unread(request: &HeaderMap, response: &mut Response) {
    let has_body = request.contains_key(TRANSFER_ENCODING)
        || request
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let status = response.status();
    // Refused for want of room (too many waiting writes or open streams)
    // or for another host: the client's next try opens a new connection,
    // and this one stops holding a slot meanwhile.
    let refused = matches!(status.as_u16(), 421 | 429);
    if refused || (has_body && (status.is_client_error() || status.is_server_error())) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
}

/// Passes requests whose `Host` names this server; rejects the others
/// with [`errors::HostNotAllowed`] before any route is tried.
fn allowed_host(state: State) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::host::optional()
        // A `Host` that is not an authority at all is not ours either.
        .or(warp::any().map(|| None))
        .unify()
        .and_then(move |authority: Option<Authority>| {
            let ok = state.hosts.allows(authority.as_ref());
            async move {
                if ok {
                    Ok(())
                } else {
                    Err(warp::reject::custom(errors::HostNotAllowed))
                }
            }
        })
        .untuple_one()
}

/// The whole application: the `Host` check, routes, JSON 404s, CORS and
/// request logging.
pub fn app(state: State) -> BoxedFilter<(Response,)> {
    let cors = Arc::new(Cors::new(&state.settings.cors_origins));
    let routes = allowed_host(state.clone())
        .and(routes(state))
        .recover(errors::handle_rejection)
        .unify();
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
