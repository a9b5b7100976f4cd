//! Attribute macros of the wasmforge support crate: `#[wasmforge::export]` on functions,
//! structs, enums and `impl` blocks, `#[wasmforge::import]` on `extern` blocks.
//!
//! The macros re-emit the item (minus their `#[wasmforge(...)]` options) and add exported
//! shims plus descriptor records (`docs/descriptor-format.md`). They parse only the item's
//! shape: names, receivers, options, docs, `cfg`s, fields and variants, and refuse type
//! shapes that never cross (raw pointers, arrays, `impl Trait`, ...). Other types are copied
//! verbatim with their spans into probes (`probe.rs` of the support crate) that compile for
//! any type, beside a const assertion per type: an unsupported type is one error, at it.

extern crate proc_macro;

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::str::FromStr;

/// Export a function, a struct (a Python class), an enum or an `impl` block's `pub fn`s.
#[proc_macro_attribute]
pub fn export(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(attr, item, Role::Export)
}

/// Declare the functions of an `extern` block as Python functions given to `load()`.
#[proc_macro_attribute]
pub fn import(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(attr, item, Role::Import)
}

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Export,
    Import,
}

fn expand(attr: TokenStream, item: TokenStream, role: Role) -> TokenStream {
    let mut cx = Cx::default();
    if let Some(t) = attr.into_iter().next() {
        cx.error(t.span(), "this attribute takes no arguments; put options in #[wasmforge(...)] on the item");
    }
    let tokens: Vec<TokenTree> = item.into_iter().collect();
    let generated = match role {
        Role::Export => export_item(&mut cx, &tokens),
        Role::Import => import_block(&mut cx, &tokens),
    };
    // An import block is replaced by its wrappers; every other item stays.
    let mut out: Vec<TokenTree> = if role == Role::Import && cx.errors.is_empty() { Vec::new() } else { strip_options(tokens) };
    if role == Role::Import && !cx.errors.is_empty() {
        out.clear();
    }
    if cx.errors.is_empty() {
        out.extend(generated);
    } else {
        // The item stays (so its uses resolve); only the errors are added, once each.
        for e in cx.errors {
            out.extend(e);
        }
    }
    out.into_iter().collect()
}

// ---- diagnostics -----------------------------------------------------------------------

#[derive(Default)]
struct Cx {
    errors: Vec<TokenStream>,
}

impl Cx {
    /// `::core::compile_error!("msg")` with every token at `span`, so the message
    /// underlines the offending tokens.
    fn error(&mut self, span: Span, msg: &str) {
        self.error_range(span, span, msg)
    }

    fn error_at(&mut self, (start, end): (Span, Span), msg: &str) {
        self.error_range(start, end, msg)
    }

    /// An error underlining from `start` to `end`: the compiler reports a macro call at the
    /// range from its first token to its last (stable Rust cannot join spans).
    fn error_range(&mut self, start: Span, end: Span, msg: &str) {
        let span = start;
        let mut lit = Literal::string(&format!("wasmforge: {}", msg));
        lit.set_span(end);
        let mut toks = vec![
            punct(':', Spacing::Joint, span),
            punct(':', Spacing::Alone, span),
            TokenTree::Ident(Ident::new("core", span)),
            punct(':', Spacing::Joint, span),
            punct(':', Spacing::Alone, span),
            TokenTree::Ident(Ident::new("compile_error", span)),
            punct('!', Spacing::Alone, span),
        ];
        let mut g = Group::new(Delimiter::Parenthesis, TokenStream::from(TokenTree::Literal(lit)));
        g.set_span(end);
        toks.push(TokenTree::Group(g));
        toks.push(punct(';', Spacing::Alone, end));
        self.errors.push(toks.into_iter().collect());
    }
}

fn punct(c: char, spacing: Spacing, span: Span) -> TokenTree {
    let mut p = Punct::new(c, spacing);
    p.set_span(span);
    TokenTree::Punct(p)
}

// ---- token helpers -----------------------------------------------------------------------

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn is_ident(t: &TokenTree, name: &str) -> bool {
    matches!(t, TokenTree::Ident(i) if i.to_string() == name)
}

fn group_of(t: &TokenTree, d: Delimiter) -> Option<&Group> {
    match t {
        TokenTree::Group(g) if g.delimiter() == d => Some(g),
        _ => None,
    }
}

/// Split at commas outside `<...>` (`->` does not close an angle bracket).
fn split_commas(tokens: &[TokenTree]) -> Vec<Vec<TokenTree>> {
    let mut parts = Vec::new();
    let mut cur = Vec::new();
    let mut depth = 0i32;
    let mut prev_dash = false;
    for t in tokens {
        let mut dash = false;
        if let TokenTree::Punct(p) = t {
            match p.as_char() {
                '<' => depth += 1,
                '>' if !prev_dash => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(core::mem::take(&mut cur));
                    prev_dash = false;
                    continue;
                }
                '-' => dash = p.spacing() == Spacing::Joint,
                _ => {}
            }
        }
        prev_dash = dash;
        cur.push(t.clone());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Remove every `#[wasmforge(...)]` option, in nested groups too (parameters, fields,
/// variants, impl items): the compiler does not know these attributes.
fn strip_options(tokens: Vec<TokenTree>) -> Vec<TokenTree> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if is_punct(&tokens[i], '#') {
            if let Some(g) = tokens.get(i + 1).and_then(|t| group_of(t, Delimiter::Bracket)) {
                if option_args(g).is_some() {
                    i += 2;
                    continue;
                }
            }
        }
        match &tokens[i] {
            TokenTree::Group(g) => {
                let inner = strip_options(g.stream().into_iter().collect());
                let mut ng = Group::new(g.delimiter(), inner.into_iter().collect());
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            t => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

/// The `(...)` of an attribute `[wasmforge(...)]`, if it is one.
fn option_args(attr: &Group) -> Option<Group> {
    let toks: Vec<TokenTree> = attr.stream().into_iter().collect();
    match toks.as_slice() {
        [first, TokenTree::Group(g)] if is_ident(first, "wasmforge") && g.delimiter() == Delimiter::Parenthesis => {
            Some(g.clone())
        }
        _ => None,
    }
}

/// Rewrite a type for use inside the generated shims: `Self` becomes the impl's type and
/// named lifetimes become `'_` (the shim has no lifetime parameters); `'static` stays,
/// so a `&'static str` parameter still fails to borrow the call's anchor.
fn fix_type(tokens: &[TokenTree], self_ty: Option<&[TokenTree]>) -> Vec<TokenTree> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        match t {
            TokenTree::Ident(id) if id.to_string() == "Self" && self_ty.is_some() => {
                out.extend(self_ty.unwrap_or(&[]).iter().cloned());
            }
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                out.push(t.clone());
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                    if name.to_string() == "static" {
                        out.push(tokens[i + 1].clone());
                    } else {
                        out.push(TokenTree::Ident(Ident::new("_", name.span())));
                    }
                    i += 1;
                }
            }
            TokenTree::Group(g) => {
                let inner = fix_type(&g.stream().into_iter().collect::<Vec<_>>(), self_ty);
                let mut ng = Group::new(g.delimiter(), inner.into_iter().collect());
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

/// First and last span of a token run.
/// A type for a shim's signature, where only its `Abi` projection matters: every reference
/// gets `'static` (a shim has no lifetimes to elide from, and `-> &str` has no input to borrow).
fn static_type(tokens: &[TokenTree]) -> Vec<TokenTree> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        match t {
            TokenTree::Punct(p) if p.as_char() == '\'' => {
                out.push(t.clone());
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                    out.push(TokenTree::Ident(Ident::new("static", name.span())));
                    i += 1;
                }
            }
            TokenTree::Punct(p) if p.as_char() == '&' => {
                out.push(t.clone());
                if !tokens.get(i + 1).map_or(false, |n| is_punct(n, '\'')) {
                    out.push(punct('\'', Spacing::Joint, p.span()));
                    out.push(TokenTree::Ident(Ident::new("static", p.span())));
                }
            }
            TokenTree::Group(g) => {
                let inner = static_type(&g.stream().into_iter().collect::<Vec<_>>());
                let mut ng = Group::new(g.delimiter(), inner.into_iter().collect());
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            _ => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

fn span_of(tokens: &[TokenTree]) -> (Span, Span) {
    let first = tokens.first().map(|t| t.span()).unwrap_or_else(Span::call_site);
    (first, tokens.last().map(|t| t.span()).unwrap_or(first))
}

fn ts(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}

// ---- templates ---------------------------------------------------------------------------

/// Generated code as text with `$N` holes for token streams taken from the user's item
/// (types, names, docs), which keep their spans.
#[derive(Default)]
struct Tpl {
    src: String,
    args: Vec<TokenStream>,
}

impl Tpl {
    fn hole(&mut self, t: TokenStream) -> String {
        self.args.push(t);
        format!(" $ {} ", self.args.len() - 1)
    }

    fn push(&mut self, s: &str) {
        self.src.push_str(s);
    }

    fn finish(self) -> Vec<TokenTree> {
        let parsed = TokenStream::from_str(&self.src).expect("wasmforge: generated code does not parse");
        fill(parsed, &self.args)
    }

    /// A hole holding `code` (with `$T` standing for `ty`) whose own tokens all carry the
    /// span of `ty`: a trait the type lacks is then reported at the type, not the attribute.
    fn spanned(&mut self, code: &str, ty: &[TokenTree]) -> String {
        let mut sub = Tpl::default();
        let h = sub.hole(ts(ty));
        sub.push(&code.replace("$T", &h));
        let span = ty.first().map_or_else(Span::call_site, |t| t.span());
        let parsed = TokenStream::from_str(&sub.src).expect("wasmforge: generated code does not parse");
        let filled = fill(respan(parsed, span), &sub.args);
        self.hole(filled.into_iter().collect())
    }
}

fn respan(ts: TokenStream, span: Span) -> TokenStream {
    ts.into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => {
                let mut ng = Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                TokenTree::Group(ng)
            }
            TokenTree::Ident(i) => TokenTree::Ident(Ident::new(&i.to_string(), span)),
            TokenTree::Punct(p) => punct(p.as_char(), p.spacing(), span),
            TokenTree::Literal(mut l) => {
                l.set_span(span);
                TokenTree::Literal(l)
            }
        })
        .collect()
}

fn fill(ts: TokenStream, args: &[TokenStream]) -> Vec<TokenTree> {
    let toks: Vec<TokenTree> = ts.into_iter().collect();
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if is_punct(&toks[i], '$') {
            if let Some(TokenTree::Literal(l)) = toks.get(i + 1) {
                let n: usize = l.to_string().parse().expect("hole index");
                out.extend(args[n].clone());
                i += 2;
                continue;
            }
        }
        match &toks[i] {
            TokenTree::Group(g) => {
                let inner = fill(g.stream(), args);
                let mut ng = Group::new(g.delimiter(), inner.into_iter().collect());
                ng.set_span(g.span());
                out.push(TokenTree::Group(ng));
            }
            t => out.push(t.clone()),
        }
        i += 1;
    }
    out
}

/// A Rust string literal holding `s`.
fn lit(s: &str) -> String {
    format!("{:?}", s)
}

// ---- attributes and options ----------------------------------------------------------------

/// One `key` or `key = value` inside `#[wasmforge(...)]`.
struct Opt {
    key: Ident,
    value: Option<TokenTree>,
}

#[derive(Default)]
struct Attrs {
    /// The string literals of `#[doc = ...]` (from `///` lines).
    docs: Vec<TokenTree>,
    opts: Vec<Opt>,
    /// `#[cfg(...)]` attributes (their bracket groups): the generated code carries them too.
    cfgs: Vec<TokenTree>,
}

impl Attrs {
    /// `#[cfg(...)]` of the item, for generated code that must come and go with it.
    fn cfg_prefix(&self, tpl: &mut Tpl) -> String {
        let mut s = String::new();
        for c in &self.cfgs {
            s.push('#');
            s.push_str(&tpl.hole(TokenStream::from(c.clone())));
        }
        s
    }

    fn flag(&self, key: &str) -> bool {
        self.opts.iter().any(|o| o.key.to_string() == key)
    }

    fn value(&self, key: &str) -> Option<&TokenTree> {
        self.opts.iter().find(|o| o.key.to_string() == key).and_then(|o| o.value.as_ref())
    }

    /// Report options not in `allowed` (`"key"` a flag, `"key="` takes a value).
    fn check(&self, cx: &mut Cx, allowed: &[&str], what: &str) {
        for o in &self.opts {
            let key = o.key.to_string();
            let flag = allowed.contains(&key.as_str());
            let valued = allowed.contains(&format!("{}=", key).as_str());
            if !flag && !valued {
                let names: Vec<&str> = allowed.iter().map(|a| a.trim_end_matches('=')).collect();
                let msg = if names.is_empty() {
                    format!("`{}` takes no options here ({})", key, what)
                } else {
                    format!("unknown option `{}` for {}; expected one of: {}", key, what, names.join(", "))
                };
                cx.error(o.key.span(), &msg);
            } else if valued && o.value.is_none() {
                cx.error(o.key.span(), &format!("option `{}` needs a value: {} = ...", key, key));
            } else if flag && o.value.is_some() {
                cx.error(o.key.span(), &format!("option `{}` takes no value", key));
            }
        }
    }

    fn docs_part(&self, tpl: &mut Tpl) -> String {
        let mut s = String::from("::wasmforge::desc::Part::Doc(&[");
        for d in &self.docs {
            s.push_str(&tpl.hole(TokenStream::from(d.clone())));
            s.push(',');
        }
        s.push_str("]),");
        s
    }
}

/// Read leading attributes from `tokens[*at..]`.
fn parse_attrs(cx: &mut Cx, tokens: &[TokenTree], at: &mut usize) -> Attrs {
    let mut attrs = Attrs::default();
    while *at + 1 < tokens.len() && is_punct(&tokens[*at], '#') {
        let g = match group_of(&tokens[*at + 1], Delimiter::Bracket) {
            Some(g) => g,
            None => break,
        };
        *at += 2;
        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
        if let Some(args) = option_args(g) {
            for part in split_commas(&args.stream().into_iter().collect::<Vec<_>>()) {
                match part.as_slice() {
                    [TokenTree::Ident(k)] => attrs.opts.push(Opt { key: k.clone(), value: None }),
                    [TokenTree::Ident(k), eq, v] if is_punct(eq, '=') => {
                        attrs.opts.push(Opt { key: k.clone(), value: Some(v.clone()) })
                    }
                    [TokenTree::Ident(k), eq, minus, v] if is_punct(eq, '=') && is_punct(minus, '-') => {
                        // a negative number: keep the sign with the literal
                        let text = format!("-{}", v);
                        let neg = TokenTree::Literal(Literal::from_str(&text).unwrap_or_else(|_| Literal::string(&text)));
                        attrs.opts.push(Opt { key: k.clone(), value: Some(neg) })
                    }
                    other => cx.error_at(span_of(other), "expected `option` or `option = value`"),
                }
            }
        } else if inner.len() == 3 && is_ident(&inner[0], "doc") && is_punct(&inner[1], '=') {
            attrs.docs.push(inner[2].clone());
        } else if inner.len() == 2 && is_ident(&inner[0], "cfg") {
            attrs.cfgs.push(TokenTree::Group(g.clone()));
        }
    }
    attrs
}

/// Skip a visibility; true if it is `pub` or `pub(..)` (visible to Python).
fn parse_vis(tokens: &[TokenTree], at: &mut usize) -> (bool, Vec<TokenTree>) {
    let start = *at;
    if *at < tokens.len() && is_ident(&tokens[*at], "pub") {
        *at += 1;
        if let Some(TokenTree::Group(g)) = tokens.get(*at) {
            if g.delimiter() == Delimiter::Parenthesis {
                // `pub(crate)`, `pub(super)`, `pub(in ..)` limit Rust paths, not Python's view
                // (in a cdylib they are the usual spelling); `pub(self)` is private.
                *at += 1;
                let private = g.stream().into_iter().next().map_or(false, |t| is_ident(&t, "self"));
                return (!private, tokens[start..*at].to_vec());
            }
        }
        return (true, tokens[start..*at].to_vec());
    }
    (false, Vec::new())
}

/// Python name of an item: `name = "..."` or the Rust name (`r#` removed by the reader).
fn name_part(attrs: &Attrs, rust: &Ident, tpl: &mut Tpl) -> String {
    match attrs.value("name") {
        Some(v) => format!("::wasmforge::desc::Part::Str({}),", tpl.hole(TokenStream::from(v.clone()))),
        None => format!("::wasmforge::desc::Part::Str({}),", lit(&rust.to_string())),
    }
}

fn check_name_value(cx: &mut Cx, attrs: &Attrs) {
    if let Some(v) = attrs.value("name") {
        if !v.to_string().starts_with('"') {
            cx.error(v.span(), "`name` takes a string, e.g. name = \"moved_by\"");
        }
    }
}

// ---- items ------------------------------------------------------------------------------

fn export_item(cx: &mut Cx, tokens: &[TokenTree]) -> Vec<TokenTree> {
    let mut at = 0;
    let attrs = parse_attrs(cx, tokens, &mut at);
    let (_, _) = parse_vis(tokens, &mut at);
    let mut k = at;
    while k < tokens.len() && (is_ident(&tokens[k], "const") || is_ident(&tokens[k], "unsafe") || is_ident(&tokens[k], "async")) {
        k += 1;
    }
    let cfgs = attrs.cfgs.clone();
    let generated = match tokens.get(k) {
        Some(t) if is_ident(t, "fn") => export_fn(cx, tokens, attrs),
        Some(t) if is_ident(t, "struct") => export_struct(cx, tokens, at, attrs),
        Some(t) if is_ident(t, "enum") => export_enum(cx, tokens, at, attrs),
        Some(t) if is_ident(t, "impl") => export_impl(cx, tokens, at, attrs),
        Some(t) => {
            cx.error(t.span(), "#[wasmforge::export] goes on a fn, struct, enum or impl block");
            Vec::new()
        }
        None => {
            cx.error(Span::call_site(), "#[wasmforge::export] needs an item");
            Vec::new()
        }
    };
    if cfgs.is_empty() {
        return generated;
    }
    // `#[cfg(...)]` after the attribute: the shims and records go with the item.
    let mut tpl = Tpl::default();
    let mut src = String::new();
    for c in &cfgs {
        src.push('#');
        src.push_str(&tpl.hole(TokenStream::from(c.clone())));
    }
    src.push_str(&format!("const _: () = {{ {} }};", tpl.hole(generated.into_iter().collect())));
    tpl.push(&src);
    tpl.finish()
}

#[derive(Clone, Copy, PartialEq)]
enum Recv {
    Static,
    Ref,
    Mut,
    Owned,
}

impl Recv {
    fn code(self) -> &'static str {
        match self {
            Recv::Static => "RECV_STATIC",
            Recv::Ref => "RECV_REF",
            Recv::Mut => "RECV_MUT",
            Recv::Owned => "RECV_OWNED",
        }
    }
}

struct Param {
    attrs: Attrs,
    name: Ident,
    ty: Vec<TokenTree>,
}

/// A parsed function signature.
struct Sig {
    attrs: Attrs,
    python_visible: bool,
    vis: Vec<TokenTree>,
    name: Ident,
    recv: Recv,
    recv_span: Span,
    params: Vec<Param>,
    ret: Option<Vec<TokenTree>>,
}

/// Parse `[attrs] [vis] [const] fn name[<'a>](params) [-> R] [where ..] (body | ;)`.
fn parse_sig(cx: &mut Cx, tokens: &[TokenTree], self_ty: Option<&[TokenTree]>) -> Option<Sig> {
    let mut at = 0;
    let attrs = parse_attrs(cx, tokens, &mut at);
    let (python_visible, vis) = parse_vis(tokens, &mut at);
    while at < tokens.len() && !is_ident(&tokens[at], "fn") {
        let t = &tokens[at];
        if is_ident(t, "async") || is_ident(t, "unsafe") || is_ident(t, "extern") {
            cx.error(t.span(), &format!("an exported function cannot be `{}`", t));
            return None;
        }
        at += 1;
    }
    at += 1;
    let name = match tokens.get(at) {
        Some(TokenTree::Ident(i)) => i.clone(),
        _ => {
            cx.error(Span::call_site(), "expected a function name");
            return None;
        }
    };
    at += 1;
    if tokens.get(at).map_or(false, |t| is_punct(t, '<')) {
        let start = at;
        let mut depth = 0;
        let mut only_lifetimes = true;
        while at < tokens.len() {
            let t = &tokens[at];
            if is_punct(t, '<') {
                depth += 1;
            } else if is_punct(t, '>') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            } else if let TokenTree::Ident(_) = t {
                if !is_punct(&tokens[at - 1], '\'') {
                    only_lifetimes = false;
                }
            }
            at += 1;
        }
        at += 1;
        if !only_lifetimes {
            cx.error_at(span_of(&tokens[start..at.min(tokens.len())]),
                "generic functions cannot be exported: Python calls one concrete function; export a wrapper per type",
            );
            return None;
        }
    }
    let params_group = match tokens.get(at).and_then(|t| group_of(t, Delimiter::Parenthesis)) {
        Some(g) => g.clone(),
        None => {
            cx.error(name.span(), "expected the parameter list");
            return None;
        }
    };
    at += 1;
    let mut ret = None;
    if at + 1 < tokens.len() && is_punct(&tokens[at], '-') && is_punct(&tokens[at + 1], '>') {
        at += 2;
        let start = at;
        let mut depth = 0i32;
        while at < tokens.len() {
            let t = &tokens[at];
            if depth == 0 && (is_ident(t, "where") || is_punct(t, ';') || group_of(t, Delimiter::Brace).is_some()) {
                break;
            }
            if is_punct(t, '<') {
                depth += 1;
            } else if is_punct(t, '>') && !is_punct(&tokens[at - 1], '-') {
                depth -= 1;
            }
            at += 1;
        }
        if !check_shape(cx, &tokens[start..at]) {
            return None;
        }
        ret = Some(fix_type(&tokens[start..at], self_ty));
    }
    // A `where` clause (lifetime or concrete bounds: type generics were refused above) is
    // the compiler's business; the shim calls the function as usual.

    let mut recv = Recv::Static;
    let mut recv_span = name.span();
    let mut params = Vec::new();
    let parts = split_commas(&params_group.stream().into_iter().collect::<Vec<_>>());
    for (index, part) in parts.iter().enumerate() {
        let mut p = 0;
        let pattrs = parse_attrs(cx, part, &mut p);
        let rest = &part[p..];
        let colon = rest.iter().position(|t| is_punct(t, ':'));
        let pat = &rest[..colon.unwrap_or(rest.len())];
        let is_self = pat.iter().any(|t| is_ident(t, "self"));
        if is_self {
            if index != 0 {
                cx.error_at(span_of(pat), "`self` must come first");
                return None;
            }
            if colon.is_some() {
                cx.error_at(span_of(rest), "write the receiver as `&self`, `&mut self` or `self`");
                return None;
            }
            let words: Vec<String> = pat
                .iter()
                .filter(|t| !is_punct(t, '\''))
                .map(|t| t.to_string())
                .filter(|w| !w.chars().next().map_or(false, |c| c.is_alphabetic()) || w == "mut" || w == "self")
                .collect();
            recv = match words.iter().map(|w| w.as_str()).collect::<Vec<_>>().as_slice() {
                ["self"] | ["mut", "self"] => Recv::Owned,
                ["&", "self"] => Recv::Ref,
                ["&", "mut", "self"] => Recv::Mut,
                _ => {
                    cx.error_at(span_of(pat), "write the receiver as `&self`, `&mut self` or `self`");
                    return None;
                }
            };
            recv_span = span_of(pat).0;
            if self_ty.is_none() {
                cx.error(recv_span, "`self` outside an impl block");
                return None;
            }
            continue;
        }
        let colon = match colon {
            Some(c) => c,
            None => {
                cx.error_at(span_of(rest), "expected `name: Type`");
                return None;
            }
        };
        let pname = match pat {
            [TokenTree::Ident(i)] => i.clone(),
            [m, TokenTree::Ident(i)] if is_ident(m, "mut") => i.clone(),
            _ => {
                cx.error_at(span_of(pat), "exported parameters must be plain names (`x: T` or `mut x: T`); Python passes them by name");
                return None;
            }
        };
        if pname.to_string() == "_" {
            cx.error(pname.span(), "give the parameter a name: Python passes arguments by name");
            return None;
        }
        pattrs.check(cx, &["default="], "a parameter");
        if !check_shape(cx, &rest[colon + 1..]) {
            return None;
        }
        params.push(Param { attrs: pattrs, name: pname, ty: fix_type(&rest[colon + 1..], self_ty) });
    }
    Some(Sig { attrs, python_visible, vis, name, recv, recv_span, params, ret })
}

/// Report a type shape that can never cross the boundary (once, at the type); true if
/// none. Other unsupported types (unknown paths) fail the shim's assertion instead.
fn check_shape(cx: &mut Cx, ty: &[TokenTree]) -> bool {
    match shape_problem(ty) {
        Some(why) => {
            cx.error_at(span_of(ty), &format!("`{}`: {}", type_text(ty), why));
            false
        }
        None => true,
    }
}

/// Why a type (tuples and slices searched too) can never cross the boundary, if it cannot.
fn shape_problem(ty: &[TokenTree]) -> Option<&'static str> {
    for (i, t) in ty.iter().enumerate() {
        let next = ty.get(i + 1);
        let problem = match t {
            TokenTree::Ident(id) if id.to_string() == "impl" => {
                Some("`impl Trait` cannot cross the boundary: Python calls one concrete function; take a concrete type, or `&dyn Fn(A) -> R` for a callable")
            }
            TokenTree::Ident(id) if id.to_string() == "fn" => {
                Some("a function pointer cannot cross the boundary; take `&dyn Fn(A) -> R` for a Python callable")
            }
            TokenTree::Ident(id) if id.to_string() == "dyn" && !next.map_or(false, |n| is_ident(n, "Fn") || is_ident(n, "FnMut")) => {
                Some("a trait object cannot cross the boundary, except `&dyn Fn(A) -> R` and `&mut dyn FnMut(A) -> R` parameters")
            }
            TokenTree::Ident(id)
                if ["Rc", "Arc", "Weak", "RefCell", "Cell", "Mutex", "RwLock"].contains(&id.to_string().as_str())
                    && next.map_or(false, |n| is_punct(n, '<')) =>
            {
                Some("shared or interior-mutable ownership cannot cross the boundary: Python receives a copy; export a struct (a Python class) to share state")
            }
            TokenTree::Punct(p) if p.as_char() == '*' => {
                Some("a raw pointer cannot cross the boundary: Python has no Rust addresses; take a class, a slice or an integer")
            }
            TokenTree::Punct(p) if p.as_char() == '&' && next.map_or(false, |n| is_ident(n, "mut")) => match ty.get(i + 2) {
                Some(TokenTree::Ident(n))
                    if ["str", "String", "Vec", "bool", "char"].contains(&n.to_string().as_str()) || is_number_type(&n.to_string()) =>
                {
                    Some("Python cannot lend this type mutably (strings, numbers and lists are copied in); take it by value and return the new value, or take `&mut [T]` of numbers")
                }
                _ => None,
            },
            TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket && g.stream().into_iter().any(|t| is_punct(&t, ';')) => {
                Some("a fixed-size array cannot cross the boundary; take `Vec<T>` or `&[T]`")
            }
            TokenTree::Group(g) => shape_problem(&g.stream().into_iter().collect::<Vec<_>>()),
            _ => None,
        };
        if problem.is_some() {
            return problem;
        }
    }
    None
}

fn is_number_type(name: &str) -> bool {
    ["u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32", "f64"].contains(&name)
}

/// The Python default of a parameter as descriptor parts: `U8(0)` for none, `U8(1) Str(expr)`
/// for a number/`True`/`False`/`None`, `U8(2) Str(text)` for a string.
fn default_part(cx: &mut Cx, p: &Param, tpl: &mut Tpl) -> String {
    let v = match p.attrs.value("default") {
        None => return String::from("::wasmforge::desc::Part::U8(0),"),
        Some(v) => v,
    };
    let text = v.to_string();
    match v {
        TokenTree::Literal(_) if text.starts_with('"') || text.starts_with("r\"") || text.starts_with("r#") => {
            format!("::wasmforge::desc::Part::U8(2), ::wasmforge::desc::Part::Str({}),", tpl.hole(TokenStream::from(v.clone())))
        }
        TokenTree::Literal(_) if text.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
            let clean: String = text.chars().filter(|&c| c != '_').collect();
            let clean = clean.trim_end_matches(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E').to_string();
            let clean = strip_num_suffix(&clean);
            format!("::wasmforge::desc::Part::U8(1), ::wasmforge::desc::Part::Str({}),", lit(&clean))
        }
        TokenTree::Ident(i) if ["true", "false", "None"].contains(&i.to_string().as_str()) => {
            let py = match i.to_string().as_str() {
                "true" => "True",
                "false" => "False",
                _ => "None",
            };
            format!("::wasmforge::desc::Part::U8(1), ::wasmforge::desc::Part::Str({}),", lit(py))
        }
        _ => {
            cx.error(v.span(), "a default is a literal: a number, a string, true, false or None");
            String::from("::wasmforge::desc::Part::U8(0),")
        }
    }
}

/// `3u8` -> `3`, `2.5f32` -> `2.5` (hex literals keep their digits).
fn strip_num_suffix(s: &str) -> String {
    for suffix in ["u128", "i128", "usize", "isize", "u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64", "f32", "f64"] {
        if let Some(stem) = s.strip_suffix(suffix) {
            if !stem.is_empty() {
                return stem.to_string();
            }
        }
    }
    s.to_string()
}

/// `count:u8 (name type default)*` parts.
fn params_parts(cx: &mut Cx, params: &[Param], tpl: &mut Tpl) -> String {
    let mut s = format!("::wasmforge::desc::Part::U8({}),", params.len());
    for p in params {
        let name = p.name.to_string();
        let name = name.trim_start_matches("r#");
        s.push_str(&format!("::wasmforge::desc::Part::Str({}),", lit(name)));
        s.push_str(&format!("::wasmforge::desc::Part::Ty({}),", param_desc(tpl, &p.ty)));
        s.push_str(&default_part(cx, p, tpl));
    }
    s
}

fn ret_tokens(sig: &Sig) -> Vec<TokenTree> {
    match &sig.ret {
        Some(r) => r.clone(),
        None => TokenStream::from_str("()").unwrap().into_iter().collect(),
    }
}

/// `const _: () = { static RECORD: [u8; N] = assemble(PARTS); };` around `parts`.
fn record(parts: &str) -> String {
    format!(
        "const __WF_PARTS: &[::wasmforge::desc::Part] = &[{}];
         #[link_section = \"wasmforge.descriptors\"]
         #[used]
         static __WF_RECORD: [u8; ::wasmforge::desc::measure(__WF_PARTS)] = ::wasmforge::desc::assemble(__WF_PARTS);",
        parts
    )
}

/// Imports the probes' traits (`probe.rs` of the support crate) into a generated block.
const PRELUDE: &str = "#[allow(unused_imports)] use ::wasmforge::probe::{Fallback as _, LiftHit as _, LiftMiss as _, LowerHit as _, LowerMiss as _, CopyHit as _, CopyMiss as _, ErrMiss as _, WireHit as _, WireMiss as _};";

/// The descriptor of `$T` (a `()` stand-in when it has none; its assertion fails then).
const DESC: &str = "::wasmforge::probe::desc_or_unit(<::wasmforge::probe::Probe<$T>>::DESC)";

/// The primitive `$T` travels as, named through a const so it resolves for any type.
const ABI: &str = "<::wasmforge::probe::Kind<{ <::wasmforge::probe::Probe<$T>>::ABI }> as ::wasmforge::probe::AbiOf>::Ty";

/// What the boundary carries, for the error of an unsupported type.
const SUPPORTED: &str = "supported: integers (u8..u128, i8..i128, usize, isize), f32, f64, bool, char, &str, String, \
Vec<T>, Box<[T]>, &[T] and Option<T> of supported T, &mut [T] of numbers, tuples, HashMap/BTreeMap, \
&dyn Fn/&mut dyn FnMut (parameters), wasmforge::PyObject, Result<T, E> (results; E: Display or an exported enum), \
and structs and enums marked #[wasmforge::export] (by value, & or &mut)";

/// `const _: () = if !(cond) { panic!(msg) };` at the span of `ty`: the one error about
/// an unsupported type (`cond` and `msg` use `$T`, the type with every lifetime `'static`).
fn assert_type(tpl: &mut Tpl, ty: &[TokenTree], cond: &str, what: &str) -> String {
    let msg = format!("wasmforge: `{}` {}; {}", type_text(ty), what, SUPPORTED);
    let msg = msg.replace('{', "{{").replace('}', "}}");
    tpl.spanned(&format!("const _: () = if !({}) {{ ::core::panic!({}) }};", cond, lit(&msg)), &static_type(ty))
}

/// The assertion of a parameter type.
fn assert_param(tpl: &mut Tpl, ty: &[TokenTree], what: &str) -> String {
    assert_type(
        tpl,
        ty,
        "<::wasmforge::probe::Probe<$T>>::LIFT && <::wasmforge::probe::Probe<$T>>::DESC.is_some()",
        what,
    )
}

/// The assertions of a result type (`Result<T, E>`: of `T`, and of `E` as an error).
fn assert_result(tpl: &mut Tpl, ty: &[TokenTree], what: &str) -> String {
    let lowered = "<::wasmforge::probe::Probe<$T>>::LOWER && <::wasmforge::probe::Probe<$T>>::DESC.is_some()";
    match result_args(ty) {
        Some((ok, err)) => {
            let mut s = assert_type(tpl, &ok, lowered, what);
            let msg = format!(
                "wasmforge: `{}` cannot be an error type: an error is `Display` (raised as RustError(message)) or an enum marked #[wasmforge::export] (one exception class per variant)",
                type_text(&err)
            );
            s.push_str(&tpl.spanned(
                &format!(
                    "const _: () = if !(<::wasmforge::probe::Probe<$T>>::DISPLAY || <::wasmforge::probe::Probe<$T>>::ENUM_ERROR) {{ ::core::panic!({}) }};",
                    lit(&msg.replace('{', "{{").replace('}', "}}"))
                ),
                &static_type(&err),
            ));
            s
        }
        None => assert_type(tpl, ty, lowered, what),
    }
}

/// A type as the user wrote it, compactly (`std::time::Duration`, `Vec<&str>`).
fn type_text(tokens: &[TokenTree]) -> String {
    let mut out = String::new();
    let mut prev_word = false;
    for t in tokens {
        let (text, word) = match t {
            TokenTree::Group(g) => {
                let inner = type_text(&g.stream().into_iter().collect::<Vec<_>>());
                let text = match g.delimiter() {
                    Delimiter::Parenthesis => format!("({})", inner),
                    Delimiter::Bracket => format!("[{}]", inner),
                    Delimiter::Brace => format!("{{{}}}", inner),
                    Delimiter::None => inner,
                };
                (text, false)
            }
            TokenTree::Punct(p) if p.as_char() == ',' => (String::from(", "), false),
            TokenTree::Punct(p) if p.as_char() == ';' => (String::from("; "), false),
            TokenTree::Punct(p) if p.as_char() == '=' => (String::from(" = "), false),
            TokenTree::Punct(p) if p.as_char() == '+' => (String::from(" + "), false),
            TokenTree::Punct(p) if p.as_char() == '>' && out.ends_with('-') => (String::from("> "), false),
            TokenTree::Punct(p) if p.as_char() == '-' && p.spacing() == Spacing::Joint => (String::from(" -"), false),
            TokenTree::Punct(p) => (p.as_char().to_string(), false),
            t => (t.to_string(), true),
        };
        if word && prev_word {
            out.push(' ');
        }
        out.push_str(&text);
        prev_word = word;
    }
    out.trim().to_string()
}

/// The shim of a function or method: lift each parameter, call, lower the result. Every
/// use of a user type goes through a probe, so the shim compiles whatever the type; the
/// assertions beside it give the one error about an unsupported type.
fn shim(tpl: &mut Tpl, symbol: &str, sig: &Sig, target: &str, self_ty: Option<&[TokenTree]>) -> String {
    let ret = ret_tokens(sig);
    let ret_abi = tpl.spanned(ABI, &static_type(&ret));
    let ret_lower = tpl.spanned("(&&::wasmforge::probe::Lower::<$T>::new()).lower", &ret);
    let mut s = String::from(PRELUDE);
    for p in &sig.params {
        // A callable is expanded into a closure below; its argument and result types are
        // checked where the closure encodes and decodes them.
        if callable_type(&p.ty).is_none() {
            s.push_str(&assert_param(tpl, &p.ty, "cannot be a parameter of an exported function"));
        }
    }
    s.push_str(&assert_result(tpl, &ret, "cannot be returned by an exported function"));
    s.push_str(&format!("#[export_name = {}] pub unsafe extern \"C\" fn __wf_shim(", lit(symbol)));
    if sig.recv != Recv::Static {
        s.push_str("__wf_this: i32,");
    }
    let mut holes = Vec::new();
    for (i, p) in sig.params.iter().enumerate() {
        if let Some(c) = callable_type(&p.ty) {
            s.push_str(&format!("__wf_p{}: i32,", i));
            holes.push(callable_lift(tpl, i, &c));
            continue;
        }
        let lift = tpl.spanned("(&&::wasmforge::probe::Lift::<$T>::new()).lift", &p.ty);
        let abi = tpl.spanned(ABI, &static_type(&p.ty));
        s.push_str(&format!("__wf_p{}: {},", i, abi));
        holes.push(format!("let __wf_a{} = {}(__wf_p{}, &__wf_anchor);", i, lift, i));
    }
    s.push_str(&format!(") -> {} {{ let __wf_anchor = ::wasmforge::Anchor::new();", ret_abi));
    let mut args = Vec::new();
    if let Some(st) = self_ty {
        let st = tpl.hole(ts(st));
        let this = match sig.recv {
            Recv::Static => None,
            Recv::Ref => Some(format!("<&{} as ::wasmforge::FromHost<'_>>::from_abi(__wf_this, &__wf_anchor)", st)),
            Recv::Mut => Some(format!("<&mut {} as ::wasmforge::FromHost<'_>>::from_abi(__wf_this, &__wf_anchor)", st)),
            Recv::Owned => Some(format!("<::wasmforge::Owned<{}> as ::wasmforge::FromHost<'_>>::from_abi(__wf_this, &__wf_anchor).0", st)),
        };
        if let Some(this) = this {
            args.push(this);
        }
    }
    for (i, h) in holes.iter().enumerate() {
        s.push_str(h);
        args.push(format!("__wf_a{}", i));
    }
    if let Some((ok, _)) = result_args(&ret) {
        // Typed errors: resolved per concrete E in the shim (see `abi::ErrWrap`).
        let ok_lower = tpl.spanned("(&&::wasmforge::probe::Lower::<$T>::new()).ok", &ok);
        s.push_str(&format!(
            "{{ #[allow(unused_imports)] use ::wasmforge::abi::{{ErrViaEnum as _, ErrViaDisplay as _}};
               match {}({}) {{
                   ::core::result::Result::Ok(v) => {}(v),
                   ::core::result::Result::Err(e) => ::wasmforge::abi::result_err(
                       (&::wasmforge::abi::ErrWrap(::core::cell::Cell::new(::core::option::Option::Some(e)))).lower_err()),
               }} }} }}",
            target,
            args.join(", "),
            ok_lower
        ));
        let _ = ret_lower;
        return s;
    }
    s.push_str(&format!("{}({}({})) }}", ret_lower, target, args.join(", ")));
    s
}

/// A parameter written `&dyn Fn(A, ..) -> R` or `&mut dyn FnMut(A, ..) -> R` (any lifetime,
/// `+ 'a` bounds, parenthesized or not): a Python callable.
struct Callable {
    mutable: bool,
    args: Vec<Vec<TokenTree>>,
    ret: Vec<TokenTree>,
}

fn callable_type(ty: &[TokenTree]) -> Option<Callable> {
    // A type passed through a `macro_rules!` `$t:ty` arrives as one invisible group.
    if let [TokenTree::Group(g)] = ty {
        if g.delimiter() == Delimiter::None {
            return callable_type(&g.stream().into_iter().collect::<Vec<_>>());
        }
    }
    let mut i = 1;
    if !is_punct(ty.first()?, '&') {
        return None;
    }
    if ty.get(i).map_or(false, |t| is_punct(t, '\'')) {
        i += 2;
    }
    let mutable = ty.get(i).map_or(false, |t| is_ident(t, "mut"));
    if mutable {
        i += 1;
    }
    let inner: Vec<TokenTree> = match ty.get(i).and_then(|t| group_of(t, Delimiter::Parenthesis)) {
        Some(g) if i + 1 == ty.len() => g.stream().into_iter().collect(),
        _ => ty[i..].to_vec(),
    };
    if !inner.first().map_or(false, |t| is_ident(t, "dyn")) || !inner.get(1).map_or(false, |t| is_ident(t, if mutable { "FnMut" } else { "Fn" })) {
        return None;
    }
    let args = split_commas(&group_of(inner.get(2)?, Delimiter::Parenthesis)?.stream().into_iter().collect::<Vec<_>>());
    let mut ret = Vec::new();
    let mut at = 3;
    if inner.get(at).map_or(false, |t| is_punct(t, '-')) && inner.get(at + 1).map_or(false, |t| is_punct(t, '>')) {
        at += 2;
        let mut depth = 0i32;
        while at < inner.len() {
            let t = &inner[at];
            if depth == 0 && is_punct(t, '+') {
                break;
            }
            if is_punct(t, '<') {
                depth += 1;
            } else if is_punct(t, '>') && !is_punct(&inner[at - 1], '-') {
                depth -= 1;
            }
            ret.push(t.clone());
            at += 1;
        }
    }
    if ret.is_empty() {
        ret = TokenStream::from_str("()").unwrap().into_iter().collect();
    }
    Some(Callable { mutable, args, ret })
}

/// The shim's argument for a callable parameter: a closure (lent to the call) that encodes
/// its arguments in order and calls the Python callable whose id the host passed.
fn callable_lift(tpl: &mut Tpl, i: usize, c: &Callable) -> String {
    let mut params = String::new();
    let mut encode = String::new();
    for (j, a) in c.args.iter().enumerate() {
        params.push_str(&format!("__wf_x{}: {},", j, tpl.hole(ts(a))));
        let enc = tpl.spanned("<$T as ::wasmforge::wire::Encode>::encode", a);
        encode.push_str(&format!("{}(__wf_x{}, &mut __wf_out);", enc, j));
    }
    let ret = tpl.hole(ts(&c.ret));
    let call = tpl.spanned("::wasmforge::callback::call_host_encoded::<$T>", &c.ret);
    format!(
        "let {m} __wf_c{i} = move |{params}| -> {ret} {{
             #[allow(unused_mut)] let mut __wf_out = ::wasmforge::__private::Vec::new(); {encode}
             {call}(__wf_p{i} as u32, __wf_out)
         }};
         let __wf_a{i} = &{m} __wf_c{i};",
        m = if c.mutable { "mut" } else { "" },
    )
}

/// A parameter's type descriptor (a callable's from its argument and result types).
fn param_desc(tpl: &mut Tpl, ty: &[TokenTree]) -> String {
    let c = match callable_type(ty) {
        Some(c) => c,
        None => return tpl.spanned(DESC, &static_type(ty)),
    };
    let mut items = String::new();
    for a in c.args.iter().chain(core::iter::once(&c.ret)) {
        items.push_str(&tpl.spanned("<$T as ::wasmforge::Describe>::TYPE", a));
        items.push(',');
    }
    let tag = if c.mutable { "TAG_FN_MUT" } else { "TAG_FN" };
    format!("::wasmforge::desc::seq(::wasmforge::desc::{}, &[{}])", tag, items)
}

/// `(T, E)` of a type written `Result<T, E>` (any path ending in `Result` with two arguments).
fn result_args(ty: &[TokenTree]) -> Option<(Vec<TokenTree>, Vec<TokenTree>)> {
    let lt = ty.iter().position(|t| is_punct(t, '<'))?;
    if lt == 0 || !is_ident(&ty[lt - 1], "Result") || !ty.last().map_or(false, |t| is_punct(t, '>')) {
        return None;
    }
    let mut args = split_commas(&ty[lt + 1..ty.len() - 1]);
    if args.len() != 2 {
        return None;
    }
    let err = args.pop()?;
    Some((args.pop()?, err))
}

fn export_fn(cx: &mut Cx, tokens: &[TokenTree], _attrs: Attrs) -> Vec<TokenTree> {
    let sig = match parse_sig(cx, tokens, None) {
        Some(s) => s,
        None => return Vec::new(),
    };
    sig.attrs.check(cx, &["name="], "a function");
    check_name_value(cx, &sig.attrs);
    if !sig.python_visible {
        cx.error(sig.name.span(), "an exported function must be `pub`");
        return Vec::new();
    }
    let rust = sig.name.to_string();
    let symbol = format!("__wf_fn_{}", rust);
    let mut tpl = Tpl::default();
    tpl.push("const _: () = {");
    let body = shim(&mut tpl, &symbol, &sig, &rust, None);
    tpl.push(&body);
    let mut parts = format!("::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_FUNCTION), ::wasmforge::desc::Part::Str({}),", lit(&symbol));
    parts.push_str(&name_part(&sig.attrs, &sig.name, &mut tpl));
    parts.push_str(&sig.attrs.docs_part(&mut tpl));
    parts.push_str(&params_parts(cx, &sig.params, &mut tpl));
    let ret = ret_tokens(&sig);
    parts.push_str(&format!("::wasmforge::desc::Part::Ty({}),", tpl.spanned(DESC, &static_type(&ret))));
    tpl.push(&record(&parts));
    tpl.push("};");
    tpl.finish()
}

/// Name and the token index after it, for `struct Name` / `enum Name`; generics are refused.
fn item_name(cx: &mut Cx, tokens: &[TokenTree], at: usize, what: &str) -> Option<(Ident, usize)> {
    let name = match tokens.get(at + 1) {
        Some(TokenTree::Ident(i)) => i.clone(),
        _ => {
            cx.error(tokens[at].span(), &format!("expected the {}'s name", what));
            return None;
        }
    };
    if let Some(t) = tokens.get(at + 2) {
        if is_punct(t, '<') {
            cx.error(t.span(), &format!("a generic {} cannot be exported: Python needs one concrete type; export a newtype of the concrete use (`pub struct Meters(pub Length<f64>);`)", what));
            return None;
        }
    }
    Some((name, at + 2))
}

/// Shims and record of a class: drop, the derived traits, then the class record.
fn class_code(tpl: &mut Tpl, name: &Ident, attrs: &Attrs) -> String {
    let n = name.to_string();
    let c = tpl.hole(TokenStream::from(TokenTree::Ident(name.clone())));
    let mut s = format!("::wasmforge::__class_impls!({});", c);
    s.push_str("const _: () = {");
    s.push_str(&format!(
        "#[export_name = {}] pub unsafe extern \"C\" fn __wf_drop(handle: i32) {{ ::wasmforge::rt::drop_boxed::<{}>(handle) }}",
        lit(&format!("__wf_drop_{}", n)),
        c
    ));
    // Each trait is probed for the concrete type (`probe.rs`): a derive before or after the
    // attribute, or a hand-written impl, all count; the shim of a missing trait is never called.
    s.push_str(PRELUDE);
    let mut symbols = Vec::new();
    for (probe, short, sig) in [
        ("CLONE_BOXED", "clone", "(h: i32) -> i32"),
        ("DEBUG_BOXED", "repr", "(h: i32) -> i64"),
        ("EQ_BOXED", "eq", "(a: i32, b: i32) -> i32"),
        ("HASH_BOXED", "hash", "(h: i32) -> i64"),
    ] {
        let sym = format!("__wf_{}_{}", short, n);
        let args = if short == "eq" { "a, b" } else { "h" };
        s.push_str(&format!(
            "#[export_name = {sym}] pub unsafe extern \"C\" fn __wf_{short}{sig} {{
                match <::wasmforge::probe::Probe<{c}>>::{probe} {{
                    ::core::option::Option::Some(f) => f({args}),
                    ::core::option::Option::None => ::core::unreachable!(),
                }}
            }}",
            sym = lit(&sym),
        ));
        symbols.push(format!(
            "if <::wasmforge::probe::Probe<{}>>::{}.is_some() {{ {} }} else {{ \"\" }}",
            c,
            probe,
            lit(&sym)
        ));
    }
    let mut parts = format!(
        "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_CLASS), ::wasmforge::desc::Part::Str({}),",
        lit(&n)
    );
    parts.push_str(&attrs.docs_part(tpl));
    parts.push_str(&format!("::wasmforge::desc::Part::Str({}),", lit(&format!("__wf_drop_{}", n))));
    for sym in symbols {
        parts.push_str(&format!("::wasmforge::desc::Part::Str({}),", sym));
    }
    s.push_str(&record(&parts));
    s.push_str("};");
    s
}

fn export_struct(cx: &mut Cx, tokens: &[TokenTree], at: usize, attrs: Attrs) -> Vec<TokenTree> {
    attrs.check(cx, &[], "a struct");
    let (name, after) = match item_name(cx, tokens, at, "struct") {
        Some(x) => x,
        None => return Vec::new(),
    };
    let mut tpl = Tpl::default();
    let code = class_code(&mut tpl, &name, &attrs);
    tpl.push(&code);
    let self_ty = [TokenTree::Ident(name.clone())];
    let fields = tokens.get(after).and_then(|t| match t {
        TokenTree::Group(g) if g.delimiter() != Delimiter::Bracket => Some(g.clone()),
        _ => None,
    });
    if let Some(fields) = fields {
        // A tuple struct's fields are `_0`, `_1`, ... unless named (PyO3 asks a name of them).
        let tuple = fields.delimiter() == Delimiter::Parenthesis;
        for (index, field) in split_commas(&fields.stream().into_iter().collect::<Vec<_>>()).iter().enumerate() {
            let mut f = 0;
            let fattrs = parse_attrs(cx, field, &mut f);
            fattrs.check(cx, &["readonly", "skip", "name="], "a field");
            check_name_value(cx, &fattrs);
            if tuple && !fattrs.cfgs.is_empty() {
                let at = field.iter().find(|t| matches!(t, TokenTree::Group(_))).map_or_else(Span::call_site, |t| t.span());
                cx.error(at, "a `#[cfg]` on a tuple struct's field moves the fields after it (`.1` may become `.0`); give the struct named fields");
                continue;
            }
            let (public, _) = parse_vis(field, &mut f);
            let (access, fty) = if tuple {
                (TokenTree::Literal(Literal::usize_unsuffixed(index)), fix_type(&field[f..], Some(&self_ty)))
            } else {
                match field.get(f) {
                    Some(TokenTree::Ident(i)) => (TokenTree::Ident(i.clone()), fix_type(&field[(f + 2).min(field.len())..], Some(&self_ty))),
                    _ => continue,
                }
            };
            if !public {
                if !fattrs.opts.is_empty() {
                    cx.error(access.span(), "only `pub` fields become Python properties");
                }
                continue;
            }
            if fattrs.flag("skip") || !check_shape(cx, &fty) {
                continue;
            }
            let rust = if tuple { format!("_{}", index) } else { access.to_string() };
            let cfg = fattrs.cfg_prefix(&mut tpl);
            tpl.push(&cfg);
            let code = property(&mut tpl, &name, &access, &rust, &fty, &fattrs);
            tpl.push(&code);
        }
    }
    tpl.finish()
}

/// Getter (and setter unless `readonly`) of a `pub` field (`access`: its name or tuple
/// index; `rust`: the name for symbols and the default Python name), and its property record.
fn property(tpl: &mut Tpl, class: &Ident, access: &TokenTree, rust: &str, ty: &[TokenTree], attrs: &Attrs) -> String {
    let c = class.to_string();
    let ch = tpl.hole(TokenStream::from(TokenTree::Ident(class.clone())));
    let fh = tpl.hole(TokenStream::from(access.clone()));
    let abi = tpl.spanned(ABI, &static_type(ty));
    let copy = tpl.spanned("(&&::wasmforge::probe::CopyOut::<$T>::new()).lower_copy", ty);
    let readonly = attrs.flag("readonly");
    let mut s = String::from("const _: () = {");
    s.push_str(PRELUDE);
    let mut cond = String::from(
        "<::wasmforge::probe::Probe<$T>>::LOWER && <::wasmforge::probe::Probe<$T>>::CLONE && <::wasmforge::probe::Probe<$T>>::DESC.is_some()",
    );
    let mut what = String::from("cannot be a property (a `pub` field is read by a copy");
    if !readonly {
        cond.push_str(" && <::wasmforge::probe::Probe<$T>>::LIFT");
        what.push_str(" and written unless #[wasmforge(readonly)]");
    }
    what.push(')');
    s.push_str(&assert_type(tpl, ty, &cond, &what));
    let get = format!("__wf_get_{}_{}", c, rust);
    s.push_str(&format!(
        "#[export_name = {}] pub unsafe extern \"C\" fn __wf_get(h: i32) -> {} {{
            let this = &*(h as usize as *const {});
            {}(&this.{})
        }}",
        lit(&get),
        abi,
        ch,
        copy,
        fh
    ));
    let set = if readonly {
        String::new()
    } else {
        let set = format!("__wf_set_{}_{}", c, rust);
        let lift = tpl.spanned("(&&::wasmforge::probe::Lift::<$T>::new()).lift", ty);
        s.push_str(&format!(
            "#[export_name = {}] pub unsafe extern \"C\" fn __wf_set(h: i32, v: {}) {{
                let __wf_anchor = ::wasmforge::Anchor::new();
                let this = &mut *(h as usize as *mut {});
                this.{} = {}(v, &__wf_anchor);
            }}",
            lit(&set),
            abi,
            ch,
            fh,
            lift
        ));
        set
    };
    let mut parts = format!(
        "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_PROPERTY), ::wasmforge::desc::Part::Str({}),",
        lit(&c)
    );
    match attrs.value("name") {
        Some(v) => parts.push_str(&format!("::wasmforge::desc::Part::Str({}),", tpl.hole(TokenStream::from(v.clone())))),
        None => parts.push_str(&format!("::wasmforge::desc::Part::Str({}),", lit(rust))),
    }
    parts.push_str(&attrs.docs_part(tpl));
    parts.push_str(&format!(
        "::wasmforge::desc::Part::Str({}), ::wasmforge::desc::Part::Str({}), ::wasmforge::desc::Part::Ty({}),",
        lit(&get),
        lit(&set),
        tpl.spanned(DESC, &static_type(ty))
    ));
    s.push_str(&record(&parts));
    s.push_str("};");
    s
}

fn export_enum(cx: &mut Cx, tokens: &[TokenTree], at: usize, attrs: Attrs) -> Vec<TokenTree> {
    attrs.check(cx, &[], "an enum");
    let (name, after) = match item_name(cx, tokens, at, "enum") {
        Some(x) => x,
        None => return Vec::new(),
    };
    let body = match tokens.get(after).and_then(|t| group_of(t, Delimiter::Brace)) {
        Some(b) => b.clone(),
        None => {
            cx.error(name.span(), "expected the enum's variants");
            return Vec::new();
        }
    };
    let mut variants = Vec::new();
    for v in split_commas(&body.stream().into_iter().collect::<Vec<_>>()) {
        let mut i = 0;
        let vattrs = parse_attrs(cx, &v, &mut i);
        vattrs.check(cx, &["name="], "a variant");
        check_name_value(cx, &vattrs);
        let vname = match v.get(i) {
            Some(TokenTree::Ident(id)) => id.clone(),
            _ => continue,
        };
        let fields = v.get(i + 1).and_then(|t| match t {
            TokenTree::Group(g) if g.delimiter() != Delimiter::Bracket => Some(g.clone()),
            _ => None,
        });
        variants.push((vattrs, vname, fields));
    }
    if variants.iter().any(|v| v.2.is_some()) {
        return data_enum(cx, &name, &attrs, &variants);
    }
    let mut tpl = Tpl::default();
    let e = tpl.hole(TokenStream::from(TokenTree::Ident(name.clone())));
    let mut arms = String::new();
    for (_, v, _) in &variants {
        arms.push_str(&format!("{}::{}, ", e, tpl.hole(TokenStream::from(TokenTree::Ident(v.clone())))));
    }
    tpl.push(&format!("::wasmforge::__enum_impls!({}; {});", e, arms));
    tpl.push(&format!("impl ::wasmforge::abi::EnumError for {} {{ const NAME: &'static str = {}; }}", e, lit(&name.to_string())));
    let mut parts = format!(
        "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_ENUM), ::wasmforge::desc::Part::Str({}),",
        lit(&name.to_string())
    );
    parts.push_str(&attrs.docs_part(&mut tpl));
    parts.push_str(&format!("::wasmforge::desc::Part::U8({}),", variants.len()));
    for (vattrs, v, _) in &variants {
        parts.push_str(&name_part(vattrs, v, &mut tpl));
        parts.push_str(&vattrs.docs_part(&mut tpl));
        let vh = tpl.hole(TokenStream::from(TokenTree::Ident(v.clone())));
        parts.push_str(&format!("::wasmforge::desc::Part::I64({}::{} as i64),", e, vh));
    }
    tpl.push("const _: () = {");
    tpl.push(&record(&parts));
    tpl.push("};");
    tpl.finish()
}

/// An enum with fields: one Python class per variant; it travels encoded (`u32` variant
/// index, then the fields in order).
fn data_enum(cx: &mut Cx, name: &Ident, attrs: &Attrs, variants: &[(Attrs, Ident, Option<Group>)]) -> Vec<TokenTree> {
    let mut tpl = Tpl::default();
    let e = tpl.hole(TokenStream::from(TokenTree::Ident(name.clone())));
    let self_ty = [TokenTree::Ident(name.clone())];
    let mut enc_arms = String::new();
    let mut dec_arms = String::new();
    let mut checks = String::from(PRELUDE);
    let mut parts = format!(
        "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_VARIANTS), ::wasmforge::desc::Part::Str({}),",
        lit(&name.to_string())
    );
    parts.push_str(&attrs.docs_part(&mut tpl));
    parts.push_str(&format!("::wasmforge::desc::Part::U8({}),", variants.len()));
    for (index, (vattrs, v, fields)) in variants.iter().enumerate() {
        let vh = tpl.hole(TokenStream::from(TokenTree::Ident(v.clone())));
        // (field name for Python, binding name in the match, type)
        let mut fs: Vec<(String, Vec<TokenTree>)> = Vec::new();
        let mut named = false;
        if let Some(g) = fields {
            named = g.delimiter() == Delimiter::Brace;
            for (i, f) in split_commas(&g.stream().into_iter().collect::<Vec<_>>()).iter().enumerate() {
                let mut k = 0;
                let fattrs = parse_attrs(cx, f, &mut k);
                fattrs.check(cx, &[], "a variant's field");
                if named {
                    let fname = match f.get(k) {
                        Some(TokenTree::Ident(id)) => id.to_string(),
                        _ => continue,
                    };
                    fs.push((fname, fix_type(&f[(k + 2).min(f.len())..], Some(&self_ty))));
                } else {
                    fs.push((format!("_{}", i), fix_type(&f[k..], Some(&self_ty))));
                }
                if let Some((_, ty)) = fs.last() {
                    check_shape(cx, ty);
                }
            }
        }
        let binds: Vec<String> = (0..fs.len()).map(|i| format!("__wf_f{}", i)).collect();
        let pattern = if fields.is_none() {
            String::new()
        } else if named {
            let pairs: Vec<String> = fs.iter().zip(&binds).map(|((n, _), b)| format!("{}: {}", n, b)).collect();
            format!("{{ {} }}", pairs.join(", "))
        } else {
            format!("({})", binds.join(", "))
        };
        let mut enc = format!("::wasmforge::wire::Encode::encode({}u32, out);", index);
        let mut decs = Vec::new();
        for ((_, ty), b) in fs.iter().zip(&binds) {
            let wire = tpl.spanned("(&&::wasmforge::probe::Wire::<$T>::new())", ty);
            enc.push_str(&format!("{}.put({}, out);", wire, b));
            decs.push(format!("{}.take(r)", wire));
            checks.push_str(&assert_type(
                &mut tpl,
                ty,
                "<::wasmforge::probe::Probe<$T>>::WIRE && <::wasmforge::probe::Probe<$T>>::DESC.is_some()",
                "cannot be a field of an exported enum's variant",
            ));
        }
        enc_arms.push_str(&format!("{}::{} {} => {{ {} }}", e, vh, pattern, enc));
        let built = if fields.is_none() {
            String::new()
        } else if named {
            let pairs: Vec<String> = fs.iter().zip(&decs).map(|((n, _), d)| format!("{}: {}", n, d)).collect();
            format!("{{ {} }}", pairs.join(", "))
        } else {
            format!("({})", decs.join(", "))
        };
        dec_arms.push_str(&format!("{} => {}::{} {},", index, e, vh, built));
        parts.push_str(&name_part(vattrs, v, &mut tpl));
        parts.push_str(&vattrs.docs_part(&mut tpl));
        parts.push_str(&format!("::wasmforge::desc::Part::U8({}),", fs.len()));
        for (fname, ty) in &fs {
            parts.push_str(&format!(
                "::wasmforge::desc::Part::Str({}), ::wasmforge::desc::Part::Ty({}),",
                lit(fname),
                tpl.spanned(DESC, &static_type(ty))
            ));
        }
    }
    tpl.push(&format!(
        "impl ::wasmforge::wire::Encode for {e} {{
            fn encode(self, out: &mut ::wasmforge::__private::Vec<u8>) {{ {prelude} match self {{ {enc_arms} }} }}
        }}
        impl<'a> ::wasmforge::wire::Decode<'a> for {e} {{
            unsafe fn decode(r: &mut ::wasmforge::wire::Reader<'a>) -> Self {{
                {prelude}
                match r.u32() {{ {dec_arms} v => panic!(\"{{}} is not a variant index of {{}}\", v, {name_lit}) }}
            }}
        }}
        impl ::wasmforge::Describe for {e} {{
            const TYPE: ::wasmforge::desc::TypeDesc = ::wasmforge::desc::named(::wasmforge::desc::TAG_VARIANTS, {name_lit});
        }}
        ::wasmforge::__encoded_abi!([] {e});
        ::wasmforge::__encoded_seq!([] {e});
        impl ::wasmforge::abi::EnumError for {e} {{ const NAME: &'static str = {name_lit}; }}",
        name_lit = lit(&name.to_string()),
        prelude = PRELUDE,
    ));
    tpl.push("const _: () = {");
    tpl.push(&checks);
    tpl.push(&record(&parts));
    tpl.push("};");
    tpl.finish()
}

/// Split the items of an impl or extern block: a fn ends at its body (or `;`), anything else at `;`.
fn split_items(tokens: &[TokenTree]) -> Vec<Vec<TokenTree>> {
    let mut items = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    for t in tokens {
        cur.push(t.clone());
        let is_fn = cur.iter().any(|x| is_ident(x, "fn"));
        let ends = is_punct(t, ';') || (is_fn && group_of(t, Delimiter::Brace).is_some());
        if ends {
            items.push(core::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        items.push(cur);
    }
    items
}

fn export_impl(cx: &mut Cx, tokens: &[TokenTree], at: usize, attrs: Attrs) -> Vec<TokenTree> {
    attrs.check(cx, &[], "an impl block");
    let mut k = at + 1;
    if tokens.get(k).map_or(false, |t| is_punct(t, '<')) {
        cx.error(tokens[k].span(), "a generic impl block cannot be exported: Python needs one concrete type; export the impl block of a concrete newtype");
        return Vec::new();
    }
    let start = k;
    let mut end = None;
    while k < tokens.len() && group_of(&tokens[k], Delimiter::Brace).is_none() {
        if is_ident(&tokens[k], "where") && end.is_none() {
            end = Some(k);
        }
        if is_ident(&tokens[k], "for") && end.is_none() {
            cx.error(tokens[k].span(), "export an inherent impl block (`impl Type { ... }`), not a trait impl");
            return Vec::new();
        }
        k += 1;
    }
    let self_ty: Vec<TokenTree> = tokens[start..end.unwrap_or(k)].to_vec();
    let class = match self_ty.as_slice() {
        [TokenTree::Ident(i)] => i.clone(),
        _ => {
            cx.error_at(span_of(&self_ty), "export the impl block of a struct by its plain name (`impl Point`)");
            return Vec::new();
        }
    };
    let body = match tokens.get(k).and_then(|t| group_of(t, Delimiter::Brace)) {
        Some(b) => b.clone(),
        None => return Vec::new(),
    };
    let mut tpl = Tpl::default();
    for item in split_items(&body.stream().into_iter().collect::<Vec<_>>()) {
        if !item.iter().any(|t| is_ident(t, "fn")) {
            continue;
        }
        let sig = match parse_sig(cx, &item, Some(&self_ty)) {
            Some(s) => s,
            None => continue,
        };
        sig.attrs.check(cx, &["name=", "skip", "constructor"], "a method");
        check_name_value(cx, &sig.attrs);
        if !sig.python_visible || sig.attrs.flag("skip") {
            if sig.attrs.flag("constructor") && !sig.python_visible {
                cx.error(sig.name.span(), "a constructor must be `pub`");
            }
            continue;
        }
        let constructor = sig.attrs.flag("constructor");
        if constructor && sig.recv != Recv::Static {
            cx.error(sig.recv_span, "a constructor takes no `self`");
            continue;
        }
        let (c, m) = (class.to_string(), sig.name.to_string());
        let symbol = format!("__wf_m_{}_{}", c, m);
        let cfg = sig.attrs.cfg_prefix(&mut tpl);
        tpl.push(&cfg);
        tpl.push("const _: () = {");
        let target = format!("{}::{}", tpl.hole(TokenStream::from(TokenTree::Ident(class.clone()))), m);
        let body = shim(&mut tpl, &symbol, &sig, &target, Some(&self_ty));
        tpl.push(&body);
        let mut parts = format!(
            "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_METHOD), ::wasmforge::desc::Part::Str({}), ::wasmforge::desc::Part::Str({}),",
            lit(&c),
            lit(&symbol)
        );
        parts.push_str(&name_part(&sig.attrs, &sig.name, &mut tpl));
        parts.push_str(&sig.attrs.docs_part(&mut tpl));
        parts.push_str(&format!("::wasmforge::desc::Part::U8(::wasmforge::desc::{}),", sig.recv.code()));
        let flags = if constructor { "::wasmforge::desc::METHOD_CONSTRUCTOR" } else { "0" };
        parts.push_str(&format!("::wasmforge::desc::Part::U8({}),", flags));
        parts.push_str(&params_parts(cx, &sig.params, &mut tpl));
        let ret = ret_tokens(&sig);
        parts.push_str(&format!("::wasmforge::desc::Part::Ty({}),", tpl.spanned(DESC, &static_type(&ret))));
        tpl.push(&record(&parts));
        tpl.push("};");
    }
    tpl.finish()
}

// ---- imports ----------------------------------------------------------------------------

/// `#[wasmforge::import] extern "C" { fn f(x: T) -> R; }`: the extern block is replaced by
/// safe Rust functions of the same names that lower their arguments and call the host.
fn import_block(cx: &mut Cx, tokens: &[TokenTree]) -> Vec<TokenTree> {
    let mut at = 0;
    let attrs = parse_attrs(cx, tokens, &mut at);
    attrs.check(cx, &[], "an import block");
    if !tokens.get(at).map_or(false, |t| is_ident(t, "extern")) {
        cx.error(
            tokens.get(at).map_or_else(Span::call_site, |t| t.span()),
            "#[wasmforge::import] goes on an `extern \"C\" { fn ...; }` block",
        );
        return Vec::new();
    }
    let body = match tokens.iter().find_map(|t| group_of(t, Delimiter::Brace)) {
        Some(b) => b.clone(),
        None => return Vec::new(),
    };
    let mut tpl = Tpl::default();
    for item in split_items(&body.stream().into_iter().collect::<Vec<_>>()) {
        if !item.iter().any(|t| is_ident(t, "fn")) {
            if let Some(t) = item.first() {
                cx.error(t.span(), "an import block holds only `fn` declarations");
            }
            continue;
        }
        let sig = match parse_sig(cx, &item, None) {
            Some(s) => s,
            None => continue,
        };
        sig.attrs.check(cx, &[], "an imported function");
        for p in &sig.params {
            if !p.attrs.opts.is_empty() {
                cx.error(p.name.span(), "imported functions take no parameter options");
            }
        }
        let name = sig.name.to_string();
        let ret = ret_tokens(&sig);
        let rh = tpl.hole(ts(&ret));
        let rabi = tpl.spanned(ABI, &static_type(&ret));
        let rlift = tpl.spanned("(&&::wasmforge::probe::Lift::<$T>::new()).lift", &ret);
        let vis = tpl.hole(ts(&sig.vis));
        let nh = tpl.hole(TokenStream::from(TokenTree::Ident(sig.name.clone())));
        let mut docs = String::new();
        for d in &sig.attrs.docs {
            docs.push_str(&format!("#[doc = {}]", tpl.hole(TokenStream::from(d.clone()))));
        }
        let mut outer = String::new();
        let mut inner = String::new();
        let mut call = String::new();
        for p in &sig.params {
            let ph = tpl.hole(TokenStream::from(TokenTree::Ident(p.name.clone())));
            let th = tpl.hole(ts(&p.ty));
            let abi = tpl.spanned(ABI, &static_type(&p.ty));
            let lower = tpl.spanned("(&&::wasmforge::probe::Lower::<$T>::new()).lower_arg", &p.ty);
            outer.push_str(&format!("{}: {},", ph, th));
            inner.push_str(&format!("{}: {},", ph, abi));
            call.push_str(&format!("{}({}),", lower, ph));
        }
        let cfg = sig.attrs.cfg_prefix(&mut tpl);
        tpl.push(&format!(
            "{cfg} {docs} #[allow(clippy::too_many_arguments)] {vis} fn {nh}({outer}) -> {rh} {{
                {prelude}
                #[link(wasm_import_module = \"python\")]
                extern \"C\" {{ #[link_name = {link}] fn __wf_import({inner}) -> {rabi}; }}
                let __wf_anchor = ::wasmforge::Anchor::new();
                unsafe {{ {rlift}(__wf_import({call}), &__wf_anchor) }}
            }}",
            link = lit(&name),
            prelude = PRELUDE,
        ));
        let mut parts = format!(
            "::wasmforge::desc::Part::Header(::wasmforge::desc::KIND_IMPORT), ::wasmforge::desc::Part::Str(\"python\"), ::wasmforge::desc::Part::Str({}),",
            lit(&name)
        );
        parts.push_str(&sig.attrs.docs_part(&mut tpl));
        parts.push_str(&params_parts(cx, &sig.params, &mut tpl));
        parts.push_str(&format!("::wasmforge::desc::Part::Ty({}),", tpl.spanned(DESC, &static_type(&ret))));
        tpl.push(&cfg);
        tpl.push("const _: () = {");
        tpl.push(PRELUDE);
        for p in &sig.params {
            let check = assert_type(
                &mut tpl,
                &p.ty,
                "<::wasmforge::probe::Probe<$T>>::LOWER && <::wasmforge::probe::Probe<$T>>::DESC.is_some()",
                "cannot be a parameter of an imported function",
            );
            tpl.push(&check);
        }
        let check = assert_type(
            &mut tpl,
            &ret,
            "<::wasmforge::probe::Probe<$T>>::LIFT && <::wasmforge::probe::Probe<$T>>::DESC.is_some()",
            "cannot be returned by an imported function",
        );
        tpl.push(&check);
        tpl.push(&record(&parts));
        tpl.push("};");
    }
    tpl.finish()
}
