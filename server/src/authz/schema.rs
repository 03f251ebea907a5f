//! The schema language: a subset of SpiceDB's. `definition`s hold
//! `relation name: type | type#relation | type:*` and
//! `permission name = expr`, where `expr` combines relations and permissions
//! of the same definition with `+` (union), `&` (intersection), `-`
//! (exclusion), `->` or `.any()` (arrow through a relation), `.all()` (arrow
//! to every object of the relation), `nil` (nothing) and parentheses. Comments are
//! `//` and `/* */`. As in SpiceDB, `+` binds tightest, then `&`, then `-`
//! (from left to right): `a + b & c` is `(a + b) & c`, `a - b & c` is
//! `a - (b & c)` and `a - b - c` is `(a - b) - c`. (Until 2026-11-30 `&` and
//! `-` were one level here, read from left to right, so `a - b & c` was
//! `(a - b) & c`; `bench/differential.py` found it against SpiceDB.)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

/// How deeply a permission's expression may nest: parentheses within
/// parentheses, or operators within operators (`a + b + c` and `a & b & c`
/// are one level, `a - b - c` and `(a + b) & c` two). The parser, the
/// compiler and the checker all recurse on the expression, so without a
/// bound a schema of a few hundred kilobytes overflowed the stack and aborted
/// the server. A check stacks up to [`MAX_DEPTH`](super::engine::MAX_DEPTH)
/// permissions, each this deep, within a worker thread's 2 MiB (a test
/// holds it to that in a debug build); real schemas nest a few levels.
pub const MAX_EXPRESSION_DEPTH: usize = 10;

/// A position in the schema text (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line.
    pub line: usize,
    /// Column (in characters).
    pub column: usize,
}

/// Why a schema was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Where the problem is.
    pub at: Position,
    /// What it is.
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.at.line, self.at.column, self.message
        )
    }
}

/// A subject type a relation accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedSubject {
    /// `user`: an object of the type.
    Object(String),
    /// `group#member`: the subjects of a relation of objects of the type.
    Set(String, String),
    /// `user:*`: every object of the type.
    Wildcard(String),
}

/// A permission expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A relation or permission of the same definition.
    Ref(String),
    /// `relation->name` (or `relation.any(name)`): `name` on any object the
    /// relation points to.
    Arrow(String, String),
    /// `relation.all(name)`: `name` on every object the relation points to,
    /// and there is at least one.
    ArrowAll(String, String),
    /// Any of.
    Union(Vec<Expr>),
    /// All of.
    Intersection(Vec<Expr>),
    /// The first minus the second.
    Exclusion(Box<Expr>, Box<Expr>),
    /// `nil`: nobody, as in SpiceDB (`permission legacy = nil`).
    Nil,
}

/// SpiceDB's keyword for the empty set. A schema may not declare a relation
/// or permission of that name; one stored before it was a keyword keeps it.
const NIL: &str = "nil";

/// One `definition`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Definition {
    /// Relations by name, with the subject types they accept.
    pub relations: Members<Vec<AllowedSubject>>,
    /// Permissions by name.
    pub permissions: Members<Expr>,
}

impl Definition {
    /// Whether `name` is a relation or a permission here.
    pub fn has(&self, name: &str) -> bool {
        self.relations.contains_key(name) || self.permissions.contains_key(name)
    }
}

/// A definition's relations or permissions by name: a vector sorted by name.
/// Most definitions have a few; a map node each (about 500 bytes in a
/// `BTreeMap`, however few entries it holds) made a schema of 60,000 small
/// definitions take 85 MB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Members<V>(Vec<(String, V)>);

impl<V> Default for Members<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<V> Members<V> {
    /// The value named `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        let found = self.0.binary_search_by(|(n, _)| n.as_str().cmp(name));
        found.ok().map(|i| &self.0[i].1)
    }

    /// Whether `name` is here.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(n, _)| n)
    }

    /// Names and values, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(n, v)| (n, v))
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// From names that are all different (the parser refuses a name twice).
impl<V> FromIterator<(String, V)> for Members<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> Self {
        let mut items: Vec<_> = items.into_iter().collect();
        items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        items.shrink_to_fit();
        Self(items)
    }
}

impl<'a, V> IntoIterator for &'a Members<V> {
    type Item = (&'a String, &'a V);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (String, V)>, fn(&'a (String, V)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(n, v)| (n, v))
    }
}

impl<V> std::ops::Index<&str> for Members<V> {
    type Output = V;

    fn index(&self, name: &str) -> &V {
        self.get(name)
            .unwrap_or_else(|| panic!("no member {name:?}"))
    }
}

/// A validated schema.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schema {
    /// Definitions by type name.
    pub definitions: BTreeMap<String, Definition>,
    /// The first `-` whose right side is an intersection without
    /// parentheses (`a - b & c`): read before 2026-11-30 as `(a - b) & c`,
    /// now as SpiceDB reads it, `a - (b & c)`. A stored schema is warned of.
    pub read_differently_before: Option<Position>,
}

/// A token, borrowed from the schema text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    Ident(&'a str),
    Symbol(&'static str),
}

/// Tokens one at a time, as the parser asks for them: nothing of the text
/// is copied (a schema may be megabytes; the parser keeps one token).
struct Lexer<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    i: usize,
    line: usize,
    column: usize,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            i: 0,
            line: 1,
            column: 1,
        }
    }

    fn peek_char(&self, ahead: usize) -> Option<char> {
        self.text[self.i..].chars().nth(ahead)
    }

    fn advance(&mut self) {
        if let Some(c) = self.peek_char(0) {
            self.i += c.len_utf8();
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
    }

    /// The next token and where it starts, or `None` at the end.
    fn next_token(&mut self) -> Result<Option<(Token<'a>, Position)>, SchemaError> {
        loop {
            let at = Position {
                line: self.line,
                column: self.column,
            };
            let Some(c) = self.peek_char(0) else {
                return Ok(None);
            };
            let next = self.peek_char(1);
            if c.is_whitespace() {
                self.advance();
            } else if c == '/' && next == Some('/') {
                while self.peek_char(0).is_some_and(|c| c != '\n') {
                    self.advance();
                }
            } else if c == '/' && next == Some('*') {
                self.advance();
                self.advance();
                loop {
                    match (self.peek_char(0), self.peek_char(1)) {
                        (Some('*'), Some('/')) => break,
                        (_, None) => {
                            return Err(SchemaError {
                                at,
                                message: "unterminated /* comment".into(),
                            })
                        }
                        _ => self.advance(),
                    }
                }
                self.advance();
                self.advance();
            } else if c.is_ascii_alphanumeric() || c == '_' {
                let start = self.i;
                while self
                    .peek_char(0)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
                {
                    self.advance();
                }
                return Ok(Some((Token::Ident(&self.text[start..self.i]), at)));
            } else {
                let symbol = match (c, next) {
                    ('-', Some('>')) => "->",
                    ('{', _) => "{",
                    ('}', _) => "}",
                    ('(', _) => "(",
                    (')', _) => ")",
                    (':', _) => ":",
                    ('|', _) => "|",
                    ('#', _) => "#",
                    ('*', _) => "*",
                    ('=', _) => "=",
                    ('+', _) => "+",
                    ('&', _) => "&",
                    ('-', _) => "-",
                    ('.', _) => ".",
                    _ => {
                        return Err(SchemaError {
                            at,
                            message: format!("unexpected character {c:?}"),
                        })
                    }
                };
                for _ in symbol.chars() {
                    self.advance();
                }
                return Ok(Some((Token::Symbol(symbol), at)));
            }
        }
    }
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The token the parser is at, and where it is (`None` at the end, or
    /// after the lexer refused something).
    current: Option<(Token<'a>, Position)>,
    /// What the lexer refused: the parser's answer, whatever it made of the
    /// tokens before.
    lex_error: Option<SchemaError>,
    end: Position,
    /// How many parentheses are open.
    nesting: usize,
    /// See [`Schema::read_differently_before`].
    read_differently_before: Option<Position>,
    /// Whether the last intersection parsed joined operands with `&`
    /// itself (not inside parentheses).
    joined_by_and: bool,
    /// Whether the rules added since schemas were first stored apply: names
    /// relationships can use ([`valid_name`]), no subject type allowed
    /// twice. Off for stored schemas, written when the rules were looser.
    strict: bool,
}

/// Whether `name` may name a definition (`prefixed`: one `prefix/` allowed,
/// as in SpiceDB) or a relation or permission: each part 1 to 64 lower-case
/// letters, digits and `_`, starting with a letter. The schema and the
/// relationships written against it follow this one rule.
pub fn valid_name(name: &str, prefixed: bool) -> bool {
    let part = |p: &str| {
        (1..=64).contains(&p.len())
            && p.as_bytes()[0].is_ascii_lowercase()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    match name.split_once('/') {
        None => part(name),
        Some((prefix, rest)) => prefixed && part(prefix) && part(rest),
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.current.as_ref().map(|(t, _)| t)
    }

    fn at(&self) -> Position {
        self.current.map_or(self.end, |(_, p)| p)
    }

    /// Moves to the next token.
    fn bump(&mut self) {
        self.current = None;
        if self.lex_error.is_none() {
            match self.lexer.next_token() {
                Ok(token) => self.current = token,
                Err(e) => self.lex_error = Some(e),
            }
        }
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, SchemaError> {
        Err(SchemaError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn symbol(&mut self, s: &'static str) -> Result<(), SchemaError> {
        if self.eat(s) {
            Ok(())
        } else {
            self.error(format!("expected `{s}`"))
        }
    }

    fn eat(&mut self, s: &'static str) -> bool {
        let hit = self.peek() == Some(&Token::Symbol(s));
        if hit {
            self.bump();
        }
        hit
    }

    fn ident(&mut self, what: &str) -> Result<(&'a str, Position), SchemaError> {
        match self.current {
            Some((Token::Ident(name), at)) => {
                let prefixed = what == "definition name" || what == "subject type";
                let valid = if self.strict {
                    valid_name(name, prefixed)
                } else {
                    name.split('/').all(|part| {
                        part.starts_with(|c: char| c.is_ascii_lowercase())
                            && part
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    }) && name.matches('/').count() <= 1
                };
                if !valid {
                    let prefix = if prefixed { " (and one `prefix/`)" } else { "" };
                    return Err(SchemaError {
                        at,
                        message: format!(
                            "invalid {what} {name:?}: 1 to 64 lower case letters, digits and _, \
                             starting with a letter{prefix}"
                        ),
                    });
                }
                self.bump();
                Ok((name, at))
            }
            _ => self.error(format!("expected {what}")),
        }
    }

    /// Refuses a relation or permission named `nil`, SpiceDB's keyword
    /// for nothing; strict only, so a stored schema that has one loads.
    fn not_nil(&self, name: &str, at: Position) -> Result<(), SchemaError> {
        if self.strict && name == NIL {
            return Err(SchemaError {
                at,
                message: "`nil` is a keyword (nothing: `permission p = nil`), not a name".into(),
            });
        }
        Ok(())
    }

    /// SpiceDB's `with expiration` after a subject type: accepted, as
    /// any relationship may expire here; `true` if it was there. A caveat
    /// (`with name`) is refused.
    fn expiration_trait(&mut self) -> Result<bool, SchemaError> {
        if self.peek() != Some(&Token::Ident("with")) {
            return Ok(false);
        }
        self.bump();
        let (name, at) = self.ident("`expiration`")?;
        if name != "expiration" {
            return Err(SchemaError {
                at,
                message: format!(
                    "caveats are not supported (`with {name}`); only `with expiration`"
                ),
            });
        }
        Ok(true)
    }

    fn keyword(&mut self) -> Option<&'a str> {
        match self.current {
            Some((Token::Ident(k), _)) => {
                self.bump();
                Some(k)
            }
            _ => None,
        }
    }

    /// `a + b` chains, bound tightest; with its depth.
    fn union(&mut self) -> Result<(Expr, usize), SchemaError> {
        let (first, mut depth) = self.primary()?;
        let mut items = vec![first];
        while self.eat("+") {
            let (item, item_depth) = self.primary()?;
            items.push(item);
            depth = depth.max(item_depth);
        }
        Ok(if items.len() == 1 {
            (items.remove(0), depth)
        } else {
            (Expr::Union(items), depth + 1)
        })
    }

    /// `a & b` chains of unions, bound tighter than `-`; with its depth.
    fn intersection(&mut self) -> Result<(Expr, usize), SchemaError> {
        let (first, mut depth) = self.union()?;
        let mut items = vec![first];
        loop {
            let operator = self.at();
            if !self.eat("&") {
                break;
            }
            let (item, item_depth) = self.union()?;
            items.push(item);
            depth = depth.max(item_depth);
            within_depth(depth + 1, operator)?;
        }
        self.joined_by_and = items.len() > 1;
        Ok(if items.len() == 1 {
            (items.remove(0), depth)
        } else {
            (Expr::Intersection(items), depth + 1)
        })
    }

    /// An expression: intersections less intersections, from left to right,
    /// with its depth (how many operators deep its tree is), which is
    /// bounded by [`MAX_EXPRESSION_DEPTH`] as it is built, before anything
    /// recurses on it.
    fn expr(&mut self) -> Result<(Expr, usize), SchemaError> {
        let (mut left, mut depth) = self.intersection()?;
        loop {
            let operator = self.at();
            if !self.eat("-") {
                return Ok((left, depth));
            }
            let (right, right_depth) = self.intersection()?;
            if self.joined_by_and {
                self.read_differently_before.get_or_insert(operator);
            }
            depth = depth.max(right_depth) + 1;
            left = Expr::Exclusion(Box::new(left), Box::new(right));
            within_depth(depth, operator)?;
        }
    }

    fn primary(&mut self) -> Result<(Expr, usize), SchemaError> {
        let at = self.at();
        if self.eat("(") {
            // Parentheses add no operator, but the parser recurses on them.
            self.nesting += 1;
            within_depth(self.nesting, at)?;
            let inner = self.expr()?;
            self.symbol(")")?;
            self.nesting -= 1;
            return Ok(inner);
        }
        let (name, _) = self.ident("relation or permission name")?;
        if self.eat("->") {
            let (target, _) = self.ident("permission name after ->")?;
            return Ok((Expr::Arrow(name.into(), target.into()), 0));
        }
        // SpiceDB's `parent.any(view)` is `parent->view`; `parent.all(view)`
        // needs `view` on every parent.
        if self.eat(".") {
            let (function, at) = self.ident("`any` or `all`")?;
            if function != "any" && function != "all" {
                return Err(SchemaError {
                    at,
                    message: format!("unknown function `.{function}()`: `.any()` or `.all()`"),
                });
            }
            self.symbol("(")?;
            let (target, _) = self.ident("permission name")?;
            self.symbol(")")?;
            return Ok(match function {
                "any" => (Expr::Arrow(name.into(), target.into()), 0),
                _ => (Expr::ArrowAll(name.into(), target.into()), 0),
            });
        }
        if name == NIL {
            return Ok((Expr::Nil, 0));
        }
        Ok((Expr::Ref(name.into()), 0))
    }
}

/// `expr` with `nil` read as the member of that name, for a stored
/// definition that declares one.
fn nil_as_member(expr: Expr) -> Expr {
    match expr {
        Expr::Nil => Expr::Ref(NIL.into()),
        Expr::Union(items) => Expr::Union(items.into_iter().map(nil_as_member).collect()),
        Expr::Intersection(items) => {
            Expr::Intersection(items.into_iter().map(nil_as_member).collect())
        }
        Expr::Exclusion(base, minus) => Expr::Exclusion(
            Box::new(nil_as_member(*base)),
            Box::new(nil_as_member(*minus)),
        ),
        other => other,
    }
}

/// Refuses an expression nested deeper than [`MAX_EXPRESSION_DEPTH`], at the
/// operator or parenthesis `at` that went too deep.
fn within_depth(depth: usize, at: Position) -> Result<(), SchemaError> {
    if depth > MAX_EXPRESSION_DEPTH {
        return Err(SchemaError {
            at,
            message: format!(
                "expression nested more than {MAX_EXPRESSION_DEPTH} levels deep \
                 (an operator over another adds a level: `a + b + c` is one, \
                 `a - b - c` and `a - (b + c)` are two)"
            ),
        });
    }
    Ok(())
}

/// Where each relation and permission was declared, for validation messages.
#[derive(Default)]
struct Spans<'a> {
    items: HashMap<(&'a str, &'a str), Position>,
}

impl Spans<'_> {
    fn of(&self, definition: &str, member: &str) -> Position {
        self.items[&(definition, member)]
    }
}

/// Parses and validates a schema.
pub fn parse(text: &str) -> Result<Schema, SchemaError> {
    parse_with(text, true)
}

/// [`parse`] for a schema read back from the store: held to the rules it was
/// written under, so a schema stored before [`valid_name`] (or with a subject
/// type allowed twice) still loads.
pub fn parse_stored(text: &str) -> Result<Schema, SchemaError> {
    parse_with(text, false)
}

fn parse_with(text: &str, strict: bool) -> Result<Schema, SchemaError> {
    // A byte-order mark, as some editors on Windows save files: not text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // An error at the end is reported after the last line's last character.
    let end = Position {
        line: text.lines().count().max(1),
        column: text.lines().last().map_or(1, |l| l.chars().count() + 1),
    };
    let mut p = Parser {
        lexer: Lexer::new(text),
        current: None,
        lex_error: None,
        end,
        nesting: 0,
        read_differently_before: None,
        joined_by_and: false,
        strict,
    };
    p.bump();
    let mut spans = Spans::default();
    let parsed = definitions(&mut p, &mut spans);
    // What the lexer refused comes first: the parser stopped there, and
    // what it made of the text cut short says less.
    if let Some(e) = p.lex_error.take() {
        return Err(e);
    }
    let mut schema = parsed?;
    validate(&schema, &spans)?;
    if strict {
        no_alias_cycles(&schema, &spans)?;
    }
    schema.read_differently_before = p.read_differently_before;
    Ok(schema)
}

/// The definitions, as written (validated later).
fn definitions<'a>(p: &mut Parser<'a>, spans: &mut Spans<'a>) -> Result<Schema, SchemaError> {
    let mut schema = Schema::default();
    while p.peek().is_some() {
        let at = p.at();
        match p.keyword() {
            Some("definition") => {}
            // SpiceDB's switch for relationships that expire. Any
            // relationship may expire here, so there is nothing to switch on.
            Some("use") => {
                let (feature, feature_at) = p.ident("feature")?;
                if feature != "expiration" {
                    return Err(SchemaError {
                        at: feature_at,
                        message: format!("unknown feature {feature:?}: only `use expiration`"),
                    });
                }
                continue;
            }
            Some("caveat") => {
                return Err(SchemaError {
                    at,
                    message: "caveats are not supported".into(),
                })
            }
            Some(other) => {
                return Err(SchemaError {
                    at,
                    message: format!("expected `definition`, found {other:?}"),
                })
            }
            None => return p.error("expected `definition`"),
        }
        let (name, name_at) = p.ident("definition name")?;
        if schema.definitions.contains_key(name) {
            return Err(SchemaError {
                at: name_at,
                message: format!("duplicate definition {name:?}"),
            });
        }
        p.symbol("{")?;
        // Names the definition has so far; kept sorted only at its end.
        let mut seen: HashSet<&str> = HashSet::new();
        let (mut relations, mut permissions) = (Vec::new(), Vec::new());
        while !p.eat("}") {
            let at = p.at();
            match p.keyword() {
                Some("relation") => {
                    let (rel, rel_at) = p.ident("relation name")?;
                    p.not_nil(rel, rel_at)?;
                    if !seen.insert(rel) {
                        return Err(SchemaError {
                            at: rel_at,
                            message: format!("duplicate name {rel:?} in {name:?}"),
                        });
                    }
                    p.symbol(":")?;
                    let (mut allowed, mut forms) = (Vec::new(), Vec::new());
                    loop {
                        let (ty, ty_at) = p.ident("subject type")?;
                        let subject = if p.eat("#") {
                            let (sub, _) = p.ident("subject relation")?;
                            AllowedSubject::Set(ty.into(), sub.into())
                        } else if p.eat(":") {
                            p.symbol("*")?;
                            AllowedSubject::Wildcard(ty.into())
                        } else {
                            AllowedSubject::Object(ty.into())
                        };
                        // `user | user with expiration` is SpiceDB's way to
                        // let some relationships expire: two forms, one type.
                        let form = (subject.clone(), p.expiration_trait()?);
                        if p.strict && forms.contains(&form) {
                            return Err(SchemaError {
                                at: ty_at,
                                message: format!("{rel:?} allows the same subject type twice"),
                            });
                        }
                        forms.push(form);
                        if !allowed.contains(&subject) {
                            allowed.push(subject);
                        }
                        if !p.eat("|") {
                            break;
                        }
                    }
                    spans.items.insert((name, rel), rel_at);
                    relations.push((rel.to_owned(), allowed));
                }
                Some("permission") => {
                    let (perm, perm_at) = p.ident("permission name")?;
                    p.not_nil(perm, perm_at)?;
                    if !seen.insert(perm) {
                        return Err(SchemaError {
                            at: perm_at,
                            message: format!("duplicate name {perm:?} in {name:?}"),
                        });
                    }
                    p.symbol("=")?;
                    let (expr, _) = p.expr()?;
                    spans.items.insert((name, perm), perm_at);
                    permissions.push((perm.to_owned(), expr));
                }
                Some(other) => {
                    return Err(SchemaError {
                        at,
                        message: format!(
                            "expected `relation`, `permission` or `}}`, found {other:?}"
                        ),
                    })
                }
                None => return p.error("expected `relation`, `permission` or `}`"),
            }
        }
        if seen.contains(NIL) {
            // Stored before `nil` was a keyword: it names the member.
            permissions = (permissions.into_iter())
                .map(|(perm, expr)| (perm, nil_as_member(expr)))
                .collect();
        }
        let definition = Definition {
            relations: relations.into_iter().collect(),
            permissions: permissions.into_iter().collect(),
        };
        schema.definitions.insert(name.to_owned(), definition);
    }
    Ok(schema)
}

fn validate(schema: &Schema, spans: &Spans) -> Result<(), SchemaError> {
    for (def_name, def) in &schema.definitions {
        for (rel, allowed) in &def.relations {
            let at = spans.of(def_name, rel);
            for subject in allowed {
                let (ty, sub) = match subject {
                    AllowedSubject::Object(t) | AllowedSubject::Wildcard(t) => (t, None),
                    AllowedSubject::Set(t, r) => (t, Some(r)),
                };
                let Some(target) = schema.definitions.get(ty) else {
                    return Err(SchemaError {
                        at,
                        message: format!("relation {def_name}#{rel}: unknown type {ty:?}"),
                    });
                };
                if let Some(sub) = sub {
                    if !target.has(sub) {
                        return Err(SchemaError {
                            at,
                            message: format!("relation {def_name}#{rel}: {ty:?} has no relation or permission {sub:?}"),
                        });
                    }
                }
            }
        }
        for (perm, expr) in &def.permissions {
            let at = spans.of(def_name, perm);
            check_expr(schema, def_name, def, perm, expr, at)?;
        }
    }
    Ok(())
}

/// Refuses permissions that are only other permissions of the same definition,
/// round in a circle (`permission a = b`, `permission b = a`): they can never
/// grant anything. SpiceDB refuses the same (as "there exists a cycle in
/// permissions"); a cycle through a union, an intersection or an arrow is a
/// legitimate recursive rule and is kept. Strict only: a stored schema loads.
fn no_alias_cycles(schema: &Schema, spans: &Spans) -> Result<(), SchemaError> {
    for (def_name, def) in &schema.definitions {
        // Each permission is walked once: `ends` holds those whose chain of
        // references was followed to its end without a cycle.
        let mut ends: HashSet<&str> = HashSet::new();
        for start in def.permissions.keys() {
            let mut chain: Vec<&str> = Vec::new();
            let mut on_chain: HashMap<&str, usize> = HashMap::new();
            let mut at = start.as_str();
            loop {
                if ends.contains(at) {
                    break;
                }
                if let Some(&i) = on_chain.get(at) {
                    // Reported at the cycle's first permission by name.
                    let mut cycle = chain[i..].to_vec();
                    cycle.sort_unstable();
                    return Err(SchemaError {
                        at: spans.of(def_name, cycle[0]),
                        message: format!(
                            "definition {def_name:?}: permissions that only refer to each other in a cycle: {}",
                            cycle.join(", ")
                        ),
                    });
                }
                on_chain.insert(at, chain.len());
                chain.push(at);
                match def.permissions.get(at) {
                    Some(Expr::Ref(next)) => at = next,
                    _ => break,
                }
            }
            ends.extend(chain);
        }
    }
    Ok(())
}

fn check_expr(
    schema: &Schema,
    def_name: &str,
    def: &Definition,
    perm: &str,
    expr: &Expr,
    at: Position,
) -> Result<(), SchemaError> {
    let fail = |message: String| {
        Err(SchemaError {
            at,
            message: format!("permission {def_name}#{perm}: {message}"),
        })
    };
    match expr {
        Expr::Ref(name) => {
            if !def.has(name) {
                return fail(format!(
                    "{name:?} is not a relation or permission of {def_name:?}"
                ));
            }
        }
        Expr::Arrow(rel, target) | Expr::ArrowAll(rel, target) => {
            // As written: `rel->target`, or `rel.all(target)`.
            let arrow = match expr {
                Expr::ArrowAll(..) => format!("{rel}.all({target})"),
                _ => format!("{rel}->{target}"),
            };
            let Some(allowed) = def.relations.get(rel) else {
                return fail(format!(
                    "arrow {arrow}: {rel:?} is not a relation of {def_name:?}"
                ));
            };
            let mut reachable = false;
            for subject in allowed {
                match subject {
                    AllowedSubject::Object(ty) => {
                        reachable |= schema.definitions.get(ty).is_some_and(|d| d.has(target));
                    }
                    _ => {
                        return fail(format!(
                            "arrow {arrow}: {rel:?} allows subject sets or wildcards; arrows need plain object types"
                        ))
                    }
                }
            }
            if !reachable {
                return fail(format!("arrow {arrow}: no type of {rel:?} has {target:?}"));
            }
        }
        Expr::Union(items) | Expr::Intersection(items) => {
            for item in items {
                check_expr(schema, def_name, def, perm, item, at)?;
            }
        }
        Expr::Exclusion(base, minus) => {
            check_expr(schema, def_name, def, perm, base, at)?;
            check_expr(schema, def_name, def, perm, minus, at)?;
        }
        Expr::Nil => {}
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const DRIVE: &str = r#"
        // A Google-Drive-like model.
        definition user {}

        definition group {
            relation member: user | group#member
        }

        /* Folders nest through `parent`. */
        definition folder {
            relation parent: folder
            relation viewer: user | group#member | user:*
            permission view = viewer + parent->view
        }

        definition document {
            relation parent: folder
            relation owner: user
            relation editor: user | group#member
            relation viewer: user | group#member | user:*
            relation banned: user | group#member
            permission edit = owner + editor
            permission view = viewer + edit + parent->view - banned
            permission audit = edit & viewer
        }
    "#;

    #[test]
    fn parses_the_drive_model_with_spicedb_precedence() {
        let schema = parse(DRIVE).unwrap();
        let doc = &schema.definitions["document"];
        assert_eq!(
            doc.permissions["view"],
            Expr::Exclusion(
                Box::new(Expr::Union(vec![
                    Expr::Ref("viewer".into()),
                    Expr::Ref("edit".into()),
                    Expr::Arrow("parent".into(), "view".into()),
                ])),
                Box::new(Expr::Ref("banned".into())),
            )
        );
        assert_eq!(
            schema.definitions["folder"].relations["viewer"],
            vec![
                AllowedSubject::Object("user".into()),
                AllowedSubject::Set("group".into(), "member".into()),
                AllowedSubject::Wildcard("user".into()),
            ]
        );
        let parsed =
            parse("definition a {} definition b { relation r: a permission p = r + (r & r) - r }")
                .unwrap();
        assert!(matches!(
            parsed.definitions["b"].permissions["p"],
            Expr::Exclusion(..)
        ));
        // What SpiceDB v1.56.2 answered for each form (bench/differential.py
        // found the second one read differently here before).
        let r = |n: &str| Expr::Ref(n.into());
        let exclusion = |a, b| Expr::Exclusion(Box::new(a), Box::new(b));
        let cases = [
            (
                "a + b & c",
                Expr::Intersection(vec![Expr::Union(vec![r("a"), r("b")]), r("c")]),
            ),
            (
                "a - b & c",
                exclusion(r("a"), Expr::Intersection(vec![r("b"), r("c")])),
            ),
            (
                "a - b + c",
                exclusion(r("a"), Expr::Union(vec![r("b"), r("c")])),
            ),
            ("a - b - c", exclusion(exclusion(r("a"), r("b")), r("c"))),
            (
                "a & b - c & d",
                exclusion(
                    Expr::Intersection(vec![r("a"), r("b")]),
                    Expr::Intersection(vec![r("c"), r("d")]),
                ),
            ),
        ];
        let text = |expr: &str| {
            format!(
                "definition u {{}} definition d {{ relation a: u relation b: u relation c: u \
                 relation d: u permission p = {expr} }}"
            )
        };
        for (expr, expected) in cases {
            let schema = parse(&text(expr)).unwrap();
            assert_eq!(schema.definitions["d"].permissions["p"], expected, "{expr}");
            // Those whose reading changed on 2026-11-30 are pointed at.
            let changed = ["a - b & c", "a & b - c & d"].contains(&expr);
            assert_eq!(schema.read_differently_before.is_some(), changed, "{expr}");
        }
        for expr in ["a - (b & c)", "(a - b) & c", "a & b - c", "a - (b) & c"] {
            let schema = parse(&text(expr)).unwrap();
            let changed = expr == "a - (b) & c";
            assert_eq!(schema.read_differently_before.is_some(), changed, "{expr}");
        }
    }

    /// `text` is refused at `(line, column)` with a message holding `needle`.
    fn refused(text: &str, (line, column): (usize, usize), needle: &str) {
        let err = parse(text).expect_err(text);
        assert!(err.message.contains(needle), "{text}: {err}");
        assert_eq!(
            (err.at.line, err.at.column),
            (line, column),
            "{text}: {err}"
        );
    }

    #[test]
    fn any_is_an_arrow_and_all_an_arrow_to_every_object() {
        let text = |expr: &str| {
            format!(
                "definition user {{}}\ndefinition folder {{\n  relation viewer: user\n}}\n\
                 definition doc {{\n  relation parent: folder | folder#viewer\n  \
                 relation folder: folder\n  permission view = {expr}\n}}"
            )
        };
        let any = parse(&text("folder.any(viewer)")).unwrap();
        assert_eq!(any, parse(&text("folder->viewer")).unwrap());
        let all = parse(&text("folder.all(viewer)")).unwrap();
        assert_eq!(
            all.definitions["doc"].permissions["view"],
            Expr::ArrowAll("folder".into(), "viewer".into())
        );
        for (expr, at, needle) in [
            ("folder.none(viewer)", (8, 28), "unknown function `.none()`"),
            ("folder.any viewer", (8, 32), "expected `(`"),
            ("folder.any(viewer", (9, 1), "expected `)`"),
            (
                "parent.all(viewer)",
                (8, 14),
                "arrows need plain object types",
            ),
        ] {
            refused(&text(expr), at, needle);
        }
    }

    #[test]
    fn nil_is_nothing_and_not_a_name() {
        let text = "definition user {}\ndefinition doc {\n  relation viewer: user\n  permission none = nil\n  permission but = viewer - (nil)\n}";
        let schema = parse(text).unwrap();
        let doc = &schema.definitions["doc"];
        assert_eq!(doc.permissions.get("none"), Some(&Expr::Nil));
        assert_eq!(
            doc.permissions.get("but"),
            Some(&Expr::Exclusion(
                Box::new(Expr::Ref("viewer".into())),
                Box::new(Expr::Nil)
            ))
        );
        // Declared as a name: refused where it is written...
        let declared = "definition user {}\ndefinition doc {\n  relation nil: user\n  relation viewer: user\n  permission view = viewer - nil\n}";
        let e = parse(declared).unwrap_err();
        assert_eq!((e.at.line, e.at.column), (3, 12), "{e}");
        assert!(e.message.contains("`nil` is a keyword"), "{e}");
        let e =
            parse("definition user {}\ndefinition doc {\n  permission nil = nil\n}").unwrap_err();
        assert_eq!((e.at.line, e.at.column), (3, 14), "{e}");
        // ...but a schema stored before keeps its meaning: the relation.
        let stored = parse_stored(declared).unwrap();
        assert_eq!(
            stored.definitions["doc"].permissions.get("view"),
            Some(&Expr::Exclusion(
                Box::new(Expr::Ref("viewer".into())),
                Box::new(Expr::Ref("nil".into()))
            ))
        );
        // Neither an arrow's relation nor its target.
        assert!(parse("definition user {}\ndefinition doc {\n  relation parent: doc\n  permission p = parent->nil\n}").is_err());
    }

    #[test]
    fn spicedb_expiration_syntax_is_accepted_and_caveats_refused() {
        let text = "use expiration\n\ndefinition user {}\ndefinition doc {\n  relation viewer: user | user with expiration | user:* with expiration\n  relation owner: user\n  permission view = viewer + owner\n}";
        let schema = parse(text).unwrap();
        assert_eq!(
            schema.definitions["doc"].relations["viewer"],
            vec![
                AllowedSubject::Object("user".into()),
                AllowedSubject::Wildcard("user".into()),
            ]
        );
        let cases = [
            ("use caveats\ndefinition user {}", (1, 5), "unknown feature"),
            (
                "definition user {}\ncaveat ip(a int) { a == 1 }",
                (2, 1),
                "caveats are not supported",
            ),
            (
                "definition user {}\ncaveat adult(age int) { age > 17 }",
                (2, 1),
                "caveats are not supported",
            ),
            (
                "caveat in_region(region string) { region == \"eu\" }\ndefinition user {}",
                (1, 1),
                "caveats are not supported",
            ),
            (
                "definition user {}\ndefinition doc {\n  relation v: user with on_vpn\n}",
                (3, 25),
                "caveats are not supported",
            ),
            (
                "definition user {}\ndefinition doc {\n  relation v: user with\n}",
                (4, 1),
                "expected `expiration`",
            ),
        ];
        for (text, at, needle) in cases {
            refused(text, at, needle);
        }
    }

    #[test]
    fn permissions_that_only_name_each_other_in_a_cycle_are_refused() {
        let head = "definition user {}\ndefinition doc {\n  relation parent: doc\n  relation viewer: user\n";
        for (body, at, cycle) in [
            ("  permission view = view\n", (5, 14), "view"),
            (
                "  permission view = read\n  permission read = look\n  permission look = view\n",
                (7, 14),
                "look, read, view",
            ),
            // A chain into a cycle: the cycle is named, not the chain.
            (
                "  permission edit = read\n  permission read = view\n  permission view = read\n",
                (6, 14),
                "read, view",
            ),
        ] {
            let text = format!("{head}{body}}}");
            refused(
                &text,
                at,
                &format!("only refer to each other in a cycle: {cycle}"),
            );
            // Written before the rule, it still loads.
            assert!(parse_stored(&text).is_ok(), "{text}");
        }
        // Recursion with a way out is a rule, as in SpiceDB: through a
        // union, an intersection, an exclusion or an arrow; and chains.
        for body in [
            "  permission view = viewer + view\n",
            "  permission view = edit & viewer\n  permission edit = view & viewer\n",
            "  permission view = viewer - view\n",
            "  permission view = viewer + parent->view\n",
            "  permission view = read\n  permission read = look\n  permission look = viewer\n",
        ] {
            let text = format!("{head}{body}}}");
            assert!(parse(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_schema() {
        let with_mark = "\u{feff}definition user {}\ndefinition doc {\n  relation v: user\n}";
        assert_eq!(parse(with_mark).unwrap(), parse(&with_mark[3..]).unwrap());
    }

    #[test]
    fn names_are_those_relationships_can_use() {
        let long = "n".repeat(65);
        for (text, at, needle) in [
            (
                format!("definition {long} {{}}"),
                (1, 12),
                "invalid definition name",
            ),
            (
                format!("definition user {{}}\ndefinition doc {{\n  relation {long}: user\n}}"),
                (3, 12),
                "invalid relation name",
            ),
            (
                "definition user {}\ndefinition doc {\n  relation a/b: user\n}".to_owned(),
                (3, 12),
                "invalid relation name",
            ),
            (
                "definition a/b/c {}".to_owned(),
                (1, 12),
                "invalid definition name",
            ),
        ] {
            refused(&text, at, needle);
        }
        // SpiceDB's prefixes, on definitions and subject types.
        let prefixed = "definition ns/user {}\ndefinition ns/doc {\n  relation viewer: ns/user\n}";
        assert!(parse(prefixed).unwrap().definitions.contains_key("ns/doc"));
        assert!(valid_name("ns/doc", true) && !valid_name("ns/doc", false));
        assert!(valid_name(&"n".repeat(64), false) && !valid_name(&long, false));
        // A schema stored under the looser rule still loads.
        let stored = format!("definition {long} {{}}");
        assert!(parse_stored(&stored)
            .unwrap()
            .definitions
            .contains_key(&long));
    }

    #[test]
    fn errors_name_line_and_column() {
        let cases = [
            ("definition user {}\ndefinition doc {\n  relation owner: usr\n}", (3, 12), "unknown type"),
            ("definition user {}\ndefinition doc {\n  relation owner: user\n  permission view = ownr\n}", (4, 14), "not a relation"),
            ("definition user {}\ndefinition user {}", (2, 12), "duplicate definition"),
            ("definition user {}\ndefinition doc {\n  relation v: user | user:* | user\n}", (3, 31), "the same subject type twice"),
            ("use expiration\ndefinition user {}\ndefinition doc {\n  relation v: user with expiration | user | user with expiration\n}", (4, 45), "the same subject type twice"),
            ("definition user {}\ndefinition doc {\n  relation a: user\n  permission a = a\n}", (4, 14), "duplicate name"),
            ("definition user {}\ndefinition doc {\n  relation a: user\n  permission p = a->view\n}", (4, 14), "no type of"),
            ("definition user {}\ndefinition doc {\n  relation a: user\n  permission p = b->view\n}", (4, 14), "not a relation of"),
            ("definition user {}\ndefinition g { relation m: user }\ndefinition doc {\n  relation a: g#nope\n}", (4, 12), "has no relation"),
            ("definition user {\n  relation x user\n}", (2, 14), "expected `:`"),
            ("definition user {} /* open", (1, 20), "unterminated"),
            ("definition User {}", (1, 12), "invalid definition name"),
            ("definition doc { permission p = (a + b }", (1, 40), "expected `)`"),
        ];
        for (text, at, needle) in cases {
            refused(text, at, needle);
        }
    }

    #[test]
    fn deep_expressions_are_refused_not_a_stack_overflow() {
        let schema = |expr: &str| {
            format!("definition user {{}}\ndefinition doc {{\n  relation r: user\n  permission p = {expr}\n}}")
        };
        let parens = |n: usize| format!("{}r{}", "(".repeat(n), ")".repeat(n));
        let exclusions = |n: usize| format!("r{}", " - r".repeat(n));
        let alternating = |n: usize| format!("r{}", " & r - r".repeat(n / 2));
        let max = MAX_EXPRESSION_DEPTH;
        parse(&schema(&parens(max))).expect("deep enough");
        parse(&schema(&exclusions(max))).expect("long enough");
        parse(&schema(&alternating(max))).expect("long enough");
        // `  permission p = ` is 17 characters, so the expression starts in
        // column 18; the error points at the parenthesis or operator that
        // went too deep.
        for (expr, column) in [
            (parens(max + 1), 18 + max),
            (parens(200_000), 18 + max),
            (exclusions(max + 1), 18 + 1 + 4 * max + 1),
            (exclusions(200_000), 18 + 1 + 4 * max + 1),
            // `r & r - r & r - ...` is `(r & r) - (r & r) - ...`: a level
            // for each `-`, so the tenth `-`, the twentieth operator.
            (alternating(200_000), 18 + 1 + 4 * (2 * max - 1) + 1),
        ] {
            refused(&schema(&expr), (4, column), "nested more than");
        }
        // Wide is fine: unions and intersections are flat lists.
        parse(&schema(&format!("r{}", " + r".repeat(10_000)))).expect("wide union");
        parse(&schema(&format!("r{}", " & r".repeat(10_000)))).expect("wide intersection");
    }
}
