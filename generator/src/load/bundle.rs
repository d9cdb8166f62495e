//! Bundling: a spec split over many files becomes one document.
//!
//! The document is walked with the shape of its dialect, so every `$ref` is read as what its
//! place says it is:
//!
//! - a `$ref` to another file (a relative path, JSON or YAML, with or without a fragment) in a
//!   place that takes a component is resolved, and its target becomes a component of this
//!   document, named after what it was (`#/components/schemas/Pet` in any file is `Pet`, a
//!   whole file `pet.yaml` is `pet`); a root component that is only such a `$ref` gives the
//!   target its own name. The target's own `$ref`s are read relative to its file, so files
//!   that refer to each other, in cycles too, work;
//! - a `$ref` where the standard expects the value itself (a description, an operation, a
//!   whole `responses` map) is replaced by its target, with a warning; path items (which may
//!   be `$ref`s) from other files are put in place without one;
//! - `$ref`s inside extensions, examples and what a client leaves out (webhooks, callbacks,
//!   links) are not read;
//! - a `$ref` to a URL is refused: nothing is fetched while generating.
//!
//! The walk only reads; the changes are collected and applied at the end, so a spec whose
//! `$ref`s are all local and in their places is left exactly as it was.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use serde_json::{Map, Value};

use super::origin::{Origin, Origins};
use super::shape::{Dialect, Kind, RefRule, Shape};
use super::{source, Pointer};
use crate::error::Diagnostic;

/// The document as one file, where its nodes came from, and what was noted on the way.
#[derive(Debug)]
pub struct Bundled {
    pub document: Value,
    /// Every file read, the entry first, as their paths were given.
    pub files: Vec<PathBuf>,
    pub origins: Origins,
    pub notes: Vec<Diagnostic>,
}

/// How deep `$ref`s that must be put in place may nest before the spec is refused.
const MAX_INLINE_DEPTH: usize = 64;

/// Bundles the document read from `entry` (its `$ref`s to other files are read relative to
/// it).
pub fn bundle(entry: &Path, document: Value, dialect: Dialect) -> Result<Bundled, Diagnostic> {
    let mut bundler = Bundler {
        dialect,
        files: vec![File { shown: entry.to_owned(), value: Rc::new(document) }],
        by_path: HashMap::new(),
        imported: HashMap::new(),
        taken: HashMap::new(),
        queue: VecDeque::new(),
        imports: Vec::new(),
        origins: Origins::default(),
        notes: Vec::new(),
        inlining: Vec::new(),
    };
    if let Ok(canonical) = std::fs::canonicalize(entry) {
        bundler.by_path.insert(canonical, ENTRY);
    }
    bundler.by_path.insert(entry.to_owned(), ENTRY);
    bundler.claim_root_components()?;
    let root = Rc::clone(&bundler.files[ENTRY].value);
    let mut edits = Vec::new();
    let top = Pointer::root();
    if changes_in_entry(dialect, &root, Shape::One(Kind::Document), 0) {
        bundler.walk(&root, Shape::One(Kind::Document), &Place::root(&top), ENTRY, &mut edits)?;
    }
    while let Some(import) = bundler.queue.pop_front() {
        let value = bundler.import(&import)?;
        bundler.imports.push((import.section, import.name, value));
    }
    drop(root);
    let files = bundler.files.iter().map(|file| file.shown.clone()).collect();
    let mut document = match Rc::try_unwrap(std::mem::take(&mut bundler.files).swap_remove(ENTRY).value) {
        Ok(document) => document,
        Err(shared) => (*shared).clone(),
    };
    apply(&mut document, edits);
    for (section, name, value) in bundler.imports {
        let mut node = &mut document;
        for key in section {
            node = ensure_object(node).entry(*key).or_insert_with(|| Value::Object(Map::new()));
        }
        ensure_object(node).insert(name, value);
    }
    Ok(Bundled { document, files, origins: bundler.origins, notes: bundler.notes })
}

const ENTRY: usize = 0;

type FileId = usize;
type Section = &'static [&'static str];

struct File {
    /// The path as it is shown in messages (relative as the user gave it).
    shown: PathBuf,
    value: Rc<Value>,
}

/// A target to become a component.
struct Import {
    section: Section,
    kind: Kind,
    name: String,
    file: FileId,
    pointer: Pointer,
}

/// A replacement of the node at a pointer (relative to the tree being walked).
type Edits = Vec<(Pointer, Value)>;

struct Bundler {
    dialect: Dialect,
    files: Vec<File>,
    /// Files by the path a `$ref` gave (made relative to the working folder) and by their
    /// canonical path.
    by_path: HashMap<PathBuf, FileId>,
    /// Targets already made components: (file, pointer, section) -> name.
    imported: HashMap<(FileId, Pointer, Section), String>,
    /// Component names in use, per section.
    taken: HashMap<Section, HashSet<String>>,
    queue: VecDeque<Import>,
    imports: Vec<(Section, String, Value)>,
    origins: Origins,
    notes: Vec<Diagnostic>,
    /// The targets being put in place, to find a `$ref` that contains itself.
    inlining: Vec<(FileId, Pointer)>,
}

/// Where the walk is: a chain of tokens on the stack below the pointer of the tree's root,
/// made into pointers only when needed.
#[derive(Clone, Copy)]
struct Place<'a> {
    parent: Option<&'a Place<'a>>,
    token: Token<'a>,
}

#[derive(Clone, Copy)]
enum Token<'a> {
    /// The root of the tree being walked, and where it sits in the bundled document.
    Root(&'a Pointer),
    Key(&'a str),
    Index(usize),
}

impl<'a> Place<'a> {
    fn root(at: &'a Pointer) -> Self {
        Place { parent: None, token: Token::Root(at) }
    }

    fn key(&'a self, key: &'a str) -> Self {
        Place { parent: Some(self), token: Token::Key(key) }
    }

    fn index(&'a self, index: usize) -> Self {
        Place { parent: Some(self), token: Token::Index(index) }
    }

    /// The pointer within the tree being walked.
    fn relative(&self) -> Pointer {
        let mut tokens = Vec::new();
        let mut place = Some(self);
        while let Some(p) = place {
            match p.token {
                Token::Root(_) => break,
                Token::Key(key) => tokens.push(key.to_owned()),
                Token::Index(index) => tokens.push(index.to_string()),
            }
            place = p.parent;
        }
        tokens.iter().rev().fold(Pointer::root(), |p, t| p.join(t))
    }

    /// The pointer within the bundled document.
    fn absolute(&self) -> Pointer {
        let mut place = Some(self);
        let mut root = Pointer::root();
        while let Some(p) = place {
            if let Token::Root(at) = p.token {
                root = at.clone();
            }
            place = p.parent;
        }
        self.relative().tokens().fold(root, |p, t| p.join(t))
    }
}

/// The shape a node of `shape` has as it is written (one, or a list where either may be),
/// or `None` for data, which holds no `$ref`s to follow.
fn settled(shape: Shape, node: &Value) -> Option<Shape> {
    if shape.kind() == Kind::Data {
        return None;
    }
    Some(match (shape, node) {
        (Shape::OneOrList(kind), Value::Array(_)) => Shape::List(kind),
        (Shape::OneOrList(kind), _) => Shape::One(kind),
        (shape, _) => shape,
    })
}

/// Where a `$ref` in a node of `shape` may point: a container (a map or list of a kind) is
/// never a `$ref` itself.
fn ref_rule(dialect: Dialect, shape: Shape) -> RefRule {
    match shape {
        Shape::One(kind) => dialect.ref_rule(kind),
        _ => RefRule::NotAllowed,
    }
}

/// How a child is reached from its parent.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Calls `visit` with each child of a node of (settled) `shape` that can hold `$ref`s, with
/// the child's shape, in document order; the first error stops it. A string, number, flag
/// or `null` holds none (most members of a spec are such), so only mappings and lists are
/// visited.
fn each_child<'v, E>(
    dialect: Dialect,
    shape: Shape,
    node: &'v Value,
    mut visit: impl FnMut(Step<'v>, &'v Value, Shape) -> Result<(), E>,
) -> Result<(), E> {
    let members = |node: &'v Value| {
        let members = node.as_object().into_iter().flatten();
        members.filter(|(_, child)| holds_refs(child))
    };
    let items = |node: &'v Value| {
        let items = node.as_array().into_iter().flatten().enumerate();
        items.filter(|(_, item)| holds_refs(item))
    };
    match shape {
        Shape::One(kind) if node.is_object() => {
            for (key, child) in members(node) {
                visit(Step::Key(key), child, dialect.member(kind, key))?;
            }
        }
        Shape::One(Kind::Plain) => {
            for (index, item) in items(node) {
                visit(Step::Index(index), item, Shape::One(Kind::Plain))?;
            }
        }
        Shape::Map(kind) => {
            for (key, child) in members(node) {
                visit(Step::Key(key), child, Shape::One(kind))?;
            }
        }
        Shape::Extensible(kind) => {
            for (key, child) in members(node).filter(|(key, _)| !key.starts_with("x-")) {
                visit(Step::Key(key), child, Shape::One(kind))?;
            }
        }
        Shape::List(kind) => {
            for (index, item) in items(node) {
                visit(Step::Index(index), item, Shape::One(kind))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether a node can hold a `$ref`: a mapping or a list.
fn holds_refs(node: &Value) -> bool {
    matches!(node, Value::Object(_) | Value::Array(_))
}

/// Levels of the tree checked on all cores by [`changes_in_entry`] (the document, its
/// sections, their entries); below that, one task checks a whole subtree.
const CHECKED_IN_PARALLEL: usize = 3;

/// Whether walking `node` (of `shape`) in the entry document would change anything: a
/// `$ref` anywhere but to a component of this document in a place for one, or a
/// discriminator's mapping that names a file. Most specs are one file with neither, and
/// their walk is skipped: this reads the same nodes, on all cores, and takes nothing down.
fn changes_in_entry(dialect: Dialect, node: &Value, shape: Shape, depth: usize) -> bool {
    use rayon::prelude::*;
    let Some(shape) = settled(shape, node) else { return false };
    if let Some(reference) = reference_of(node) {
        // As `Bundler::reference` has it: such a `$ref` is left as it is.
        let local_component =
            reference.starts_with('#') && matches!(ref_rule(dialect, shape), RefRule::Component(_));
        return !local_component;
    }
    if shape == Shape::One(Kind::Discriminator) && maps_a_file(node) {
        return true;
    }
    let changes = |child: &Value, child_shape| changes_in_entry(dialect, child, child_shape, depth + 1);
    if depth < CHECKED_IN_PARALLEL {
        let mut children = Vec::new();
        let _ = each_child(dialect, shape, node, |_, child, child_shape| {
            children.push((child, child_shape));
            Ok::<(), ()>(())
        });
        return children.par_iter().any(|&(child, child_shape)| changes(child, child_shape));
    }
    each_child(dialect, shape, node, |_, child, child_shape| match changes(child, child_shape) {
        true => Err(()),
        false => Ok(()),
    })
    .is_err()
}

/// Whether a discriminator's mapping names a schema in another file (see `Bundler::mapping`).
fn maps_a_file(discriminator: &Value) -> bool {
    let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) else { return false };
    mapping.values().filter_map(Value::as_str).any(names_a_file)
}

/// Whether a discriminator mapping's target names a file (a bare name is a schema of this
/// document).
fn names_a_file(reference: &str) -> bool {
    !reference.starts_with('#')
        && (reference.contains('/') || reference.contains('#') || has_spec_extension(reference))
}

/// The target of a `$ref` object (`{"$ref": "..."}`), if `node` is one.
fn reference_of(node: &Value) -> Option<&str> {
    super::member_of(node.as_object()?, "$ref")?.as_str()
}

fn ensure_object(node: &mut Value) -> &mut Map<String, Value> {
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    node.as_object_mut().expect("made an object above")
}

fn apply(tree: &mut Value, edits: Edits) {
    for (at, value) in edits {
        if let Some(node) = tree.pointer_mut(at.as_str()) {
            *node = value;
        }
    }
}

/// The `$ref` text for a pointer into this document (`%` escaped, as a URI fragment).
fn local_ref(pointer: &Pointer) -> String {
    format!("#{}", pointer.as_str().replace('%', "%25"))
}

fn section_pointer(section: Section) -> Pointer {
    section.iter().fold(Pointer::root(), |p, key| p.join(key))
}

/// Keys of component sections in either dialect, whose members are named components.
const SECTION_KEYS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "securitySchemes",
    "definitions",
    "$defs",
    "pathItems",
];

/// Keys that say where a node sits rather than what it is; no name for a component.
const STRUCTURAL_KEYS: &[&str] =
    &["schema", "items", "properties", "content", "allOf", "anyOf", "oneOf", "additionalProperties"];

impl Bundler {
    /// A diagnostic about the node now at `at` of the bundled document, named where it was
    /// written.
    fn error(&self, at: &Pointer, message: String) -> Diagnostic {
        let (file, pointer) = match self.origins.trace(at) {
            Some(origin) => (origin.file.unwrap_or_else(|| self.files[ENTRY].shown.clone()), origin.pointer),
            None => (self.files[ENTRY].shown.clone(), at.clone()),
        };
        Diagnostic { file, pointer, position: None, message }
    }

    /// A `$ref` that cannot be followed where the value is not needed: noted, and left.
    fn leave_as_is(&mut self, problem: Diagnostic) {
        self.notes.push(Diagnostic { message: format!("{}; left as it is", problem.message), ..problem });
    }

    /// Root components that are only a `$ref` to another file give their target their
    /// name, before anything else can name it.
    fn claim_root_components(&mut self) -> Result<(), Diagnostic> {
        let root = Rc::clone(&self.files[ENTRY].value);
        for (section, _) in self.dialect.sections() {
            let Some(members) =
                section.iter().try_fold(&*root, |node, key| node.get(key)).and_then(Value::as_object)
            else {
                continue;
            };
            self.taken.entry(section).or_default().extend(members.keys().cloned());
            for (name, member) in members {
                let Some(reference) = reference_of(member) else { continue };
                if reference.starts_with('#') {
                    continue;
                }
                let at = section_pointer(section).join(name);
                let (file, pointer) = self.target(ENTRY, reference, &at.join("$ref"))?;
                if file != ENTRY {
                    self.imported.entry((file, pointer, section)).or_insert_with(|| name.clone());
                }
            }
        }
        Ok(())
    }

    /// Resolves a `$ref` (the text at `at`, in `base`) to a file and a pointer in it.
    fn target(
        &mut self,
        base: FileId,
        reference: &str,
        at: &Pointer,
    ) -> Result<(FileId, Pointer), Diagnostic> {
        let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let pointer = Pointer::from_ref(&format!("#{fragment}")).ok_or_else(|| {
            self.error(
                at,
                format!(
                    "`{reference}`: the part after `#` must be a JSON pointer (`#/components/schemas/Name`)"
                ),
            )
        })?;
        if path.is_empty() {
            return Ok((base, pointer));
        }
        if path.contains("://") || path.starts_with("//") {
            return Err(self.error(
                at,
                format!(
                    "`{reference}` is a URL, and nothing is fetched while generating: download the file \
                 and point the `$ref` at the local copy (a path relative to this file)"
                ),
            ));
        }
        let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let dir = self.files[base].shown.parent().unwrap_or(Path::new(""));
        let shown = lexical(&dir.join(&*decoded));
        if let Some(id) = self.by_path.get(&shown) {
            return Ok((*id, pointer));
        }
        let canonical = std::fs::canonicalize(&shown).map_err(|e| {
            self.error(at, format!(
                "`{reference}`: cannot read `{}` ({e}); a `$ref` to another file is read relative to the file it is in",
                shown.display()
            ))
        })?;
        if let Some(id) = self.by_path.get(&canonical).copied() {
            self.by_path.insert(shown, id);
            return Ok((id, pointer));
        }
        let text = std::fs::read_to_string(&canonical)
            .map_err(|e| self.error(at, format!("`{reference}`: cannot read `{}`: {e}", shown.display())))?;
        let value = if is_text_file(&shown) && pointer == Pointer::root() {
            Value::String(text)
        } else {
            let parsed = source::parse(&shown, &text)?;
            self.notes.extend(parsed.notes);
            parsed.value
        };
        let id = self.files.len();
        self.by_path.insert(canonical, id);
        self.by_path.insert(shown.clone(), id);
        self.files.push(File { shown, value: Rc::new(value) });
        Ok((id, pointer))
    }

    /// The node a resolved `$ref` points at.
    fn lookup(
        &self,
        file: FileId,
        pointer: &Pointer,
        reference: &str,
        ref_at: &Pointer,
    ) -> Result<Rc<Value>, Diagnostic> {
        let value = &self.files[file].value;
        if pointer == &Pointer::root() {
            return Ok(Rc::clone(value));
        }
        match value.pointer(pointer.as_str()) {
            Some(found) => Ok(Rc::new(found.clone())),
            None => Err(self.nothing_at(file, reference, ref_at)),
        }
    }

    /// The error for a `$ref` whose target pointer is not in its file.
    fn nothing_at(&self, file: FileId, reference: &str, ref_at: &Pointer) -> Diagnostic {
        self.error(
            ref_at,
            format!("`{reference}` points at nothing in `{}`", self.files[file].shown.display()),
        )
    }

    fn origin(&self, file: FileId, pointer: &Pointer) -> Origin {
        Origin { file: (file != ENTRY).then(|| self.files[file].shown.clone()), pointer: pointer.clone() }
    }

    fn walk(
        &mut self,
        node: &Value,
        shape: Shape,
        place: &Place<'_>,
        base: FileId,
        edits: &mut Edits,
    ) -> Result<(), Diagnostic> {
        let Some(shape) = settled(shape, node) else { return Ok(()) };
        if let Some(reference) = reference_of(node) {
            let rule = ref_rule(self.dialect, shape);
            return self.reference(node, reference, rule, shape, place, base, edits);
        }
        each_child(self.dialect, shape, node, |step, child, child_shape| {
            let child_place = match step {
                Step::Key(key) => place.key(key),
                Step::Index(index) => place.index(index),
            };
            self.walk(child, child_shape, &child_place, base, edits)
        })?;
        if shape == Shape::One(Kind::Discriminator) && node.is_object() {
            self.mapping(node, place, base, edits)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        node: &Value,
        reference: &str,
        rule: RefRule,
        shape: Shape,
        place: &Place<'_>,
        base: FileId,
        edits: &mut Edits,
    ) -> Result<(), Diagnostic> {
        // Most `$ref`s of most specs: a component of this document, in a place for one.
        if base == ENTRY && reference.starts_with('#') && matches!(rule, RefRule::Component(_)) {
            return Ok(());
        }
        let at = place.absolute();
        // Plain values and examples are not needed to generate a client.
        let plain = matches!(shape, Shape::One(Kind::Plain | Kind::Example));
        let resolved = self.target(base, reference, &at.join("$ref"));
        let (file, pointer) = match resolved {
            Ok(found) => found,
            Err(problem) if plain => {
                self.leave_as_is(problem);
                return Ok(());
            }
            Err(problem) => return Err(problem),
        };
        match rule {
            RefRule::Component(section) => {
                let claimed_here = base == ENTRY
                    && self
                        .imported
                        .get(&(file, pointer.clone(), section))
                        .is_some_and(|name| at == section_pointer(section).join(name));
                if claimed_here {
                    return self.inline(node, reference, shape, place, (file, pointer), base, edits);
                }
                let new_ref = if file == ENTRY {
                    local_ref(&pointer)
                } else {
                    if self.files[file].value.pointer(pointer.as_str()).is_none() {
                        let problem = self.nothing_at(file, reference, &at.join("$ref"));
                        if plain {
                            self.leave_as_is(problem);
                            return Ok(());
                        }
                        return Err(problem);
                    }
                    let name = self.component_name(section, file, &pointer, shape);
                    local_ref(&section_pointer(section).join(&name))
                };
                if new_ref != reference {
                    edits.push((place.relative().join("$ref"), Value::String(new_ref)));
                }
                Ok(())
            }
            // Path items of an OpenAPI 3 document stay `$ref`s (the reader follows them); from
            // other files, and everything else, they are put in place.
            RefRule::Inline
                if file == ENTRY
                    && base == ENTRY
                    && shape == Shape::One(Kind::PathItem)
                    && self.dialect != Dialect::Swagger2 =>
            {
                Ok(())
            }
            RefRule::Inline => self.inline(node, reference, shape, place, (file, pointer), base, edits),
            RefRule::NotAllowed => {
                let what = match shape {
                    Shape::One(Kind::Plain) => "a value",
                    Shape::One(Kind::Operation) => "an operation",
                    Shape::One(Kind::Responses) => "the responses",
                    Shape::One(Kind::MediaType) => "a media type before OpenAPI 3.2",
                    _ => "this place",
                };
                self.notes.push(self.error(&at, format!(
                    "a `$ref` where {what} must be given in full is not standard; replaced by its target `{reference}`"
                )));
                self.inline(node, reference, shape, place, (file, pointer), base, edits)
            }
        }
    }

    /// Puts the target of a `$ref` in its place (siblings of the `$ref` win), then walks it
    /// as part of the target's file.
    #[allow(clippy::too_many_arguments)]
    fn inline(
        &mut self,
        node: &Value,
        reference: &str,
        shape: Shape,
        place: &Place<'_>,
        (file, pointer): (FileId, Pointer),
        base: FileId,
        edits: &mut Edits,
    ) -> Result<(), Diagnostic> {
        let at = place.absolute();
        if self.inlining.contains(&(file, pointer.clone())) || self.inlining.len() >= MAX_INLINE_DEPTH {
            return Err(self.error(
                &at.join("$ref"),
                format!(
                    "`{reference}` contains itself, through `$ref`s that must be replaced by their targets"
                ),
            ));
        }
        let target = self.lookup(file, &pointer, reference, &at.join("$ref"))?;
        self.origins.record(at.clone(), self.origin(file, &pointer));
        self.inlining.push((file, pointer));
        let mut inner = Edits::new();
        let walked = self.walk(&target, shape, &Place::root(&at), file, &mut inner);
        self.inlining.pop();
        walked?;
        let mut value = (*target).clone();
        apply(&mut value, inner);
        // Siblings of the `$ref` belong to the referencing file, and win over the target's.
        let mut siblings = node.as_object().cloned().unwrap_or_default();
        siblings.remove("$ref");
        if let (Value::Object(members), false) = (&mut value, siblings.is_empty()) {
            let mut siblings = Value::Object(siblings);
            let mut sibling_edits = Edits::new();
            self.walk(&siblings, shape, &Place::root(&at), base, &mut sibling_edits)?;
            apply(&mut siblings, sibling_edits);
            if let Value::Object(siblings) = siblings {
                members.extend(siblings);
            }
        }
        edits.push((place.relative(), value));
        Ok(())
    }

    /// The component name of a target in another file, claimed (and queued for import) the
    /// first time it is met.
    fn component_name(&mut self, section: Section, file: FileId, pointer: &Pointer, shape: Shape) -> String {
        let key = (file, pointer.clone(), section);
        if let Some(name) = self.imported.get(&key) {
            return name.clone();
        }
        let stem = self.files[file]
            .shown
            .file_name()
            .map(|n| n.to_string_lossy().split('.').next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let tokens: Vec<String> = pointer.tokens().collect();
        let wanted = match tokens.as_slice() {
            [] => stem.clone(),
            [.., parent, last] if SECTION_KEYS.contains(&parent.as_str()) => last.clone(),
            [.., last] if last.parse::<usize>().is_err() && !STRUCTURAL_KEYS.contains(&last.as_str()) => {
                last.clone()
            }
            [.., last] => format!("{stem}_{last}"),
        };
        let taken = self.taken.entry(section).or_default();
        let mut candidates = vec![wanted.clone()];
        if stem != wanted && !stem.is_empty() {
            candidates.push(format!("{stem}_{wanted}"));
        }
        let name = match candidates.into_iter().find(|c| !taken.contains(c)) {
            Some(free) => free,
            None => {
                (2..).map(|n| format!("{wanted}_{n}")).find(|c| !taken.contains(c)).expect("a free number")
            }
        };
        taken.insert(name.clone());
        self.imported.insert(key, name.clone());
        let kind = shape.kind();
        self.queue.push_back(Import { section, kind, name: name.clone(), file, pointer: pointer.clone() });
        name
    }

    /// A queued target as a component of the bundled document.
    fn import(&mut self, import: &Import) -> Result<Value, Diagnostic> {
        let at = section_pointer(import.section).join(&import.name);
        let reference = format!("{}{}", self.files[import.file].shown.display(), local_ref(&import.pointer));
        let target = self.lookup(import.file, &import.pointer, &reference, &at)?;
        self.origins.record(at.clone(), self.origin(import.file, &import.pointer));
        let mut edits = Edits::new();
        self.walk(&target, Shape::One(import.kind), &Place::root(&at), import.file, &mut edits)?;
        let mut value = (*target).clone();
        apply(&mut value, edits);
        Ok(value)
    }

    /// `discriminator.mapping` values that name schemas in other files.
    fn mapping(
        &mut self,
        node: &Value,
        place: &Place<'_>,
        base: FileId,
        edits: &mut Edits,
    ) -> Result<(), Diagnostic> {
        let Some(mapping) = node.get("mapping").and_then(Value::as_object) else { return Ok(()) };
        let section = match self.dialect.ref_rule(Kind::Schema) {
            RefRule::Component(section) => section,
            _ => return Ok(()),
        };
        let mapping_place = place.key("mapping");
        for (value, target) in mapping {
            let Some(reference) = target.as_str() else { continue };
            // A bare name is a schema of this document, not a file.
            let is_file_ref = names_a_file(reference);
            if !(is_file_ref || (base != ENTRY && reference.starts_with('#'))) {
                continue;
            }
            let value_place = mapping_place.key(value);
            // A mapping only tells values apart; one whose target cannot be read is left
            // as it is (the members of the union still name their schemas).
            let (file, pointer) = match self.target(base, reference, &value_place.absolute()) {
                Ok(found) => found,
                Err(problem) => {
                    self.leave_as_is(problem);
                    continue;
                }
            };
            if self.files[file].value.pointer(pointer.as_str()).is_none() {
                let problem = self.nothing_at(file, reference, &value_place.absolute());
                self.leave_as_is(problem);
                continue;
            }
            let new_ref = if file == ENTRY {
                local_ref(&pointer)
            } else {
                let name = self.component_name(section, file, &pointer, Shape::One(Kind::Schema));
                local_ref(&section_pointer(section).join(&name))
            };
            edits.push((value_place.relative(), Value::String(new_ref)));
        }
        Ok(())
    }
}

fn has_spec_extension(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".json", ".yaml", ".yml"].iter().any(|ext| lower.ends_with(ext))
}

/// Files read as text when a description is a `$ref` to them (Markdown and the like).
fn is_text_file(path: &Path) -> bool {
    !has_spec_extension(&path.to_string_lossy())
}

/// `a/b/../c` as `a/c`, without touching the file system (for messages).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    struct Folder(tempfile::TempDir);

    impl Folder {
        fn new(files: &[(&str, &str)]) -> Self {
            let dir = tempfile::tempdir().unwrap();
            for (name, text) in files {
                let path = dir.path().join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            Folder(dir)
        }

        fn bundle(&self, entry: &str, dialect: Dialect) -> Result<Bundled, Diagnostic> {
            let path = self.0.path().join(entry);
            let parsed = source::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
            bundle(&path, parsed.value, dialect)
        }
    }

    #[test]
    fn files_become_components_named_after_what_they_were() {
        let folder = Folder::new(&[
            (
                "api/openapi.yaml",
                "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '../models/Pet.yaml'}\ncomponents:\n  schemas:\n    Owner: {$ref: '../models/people.yaml#/components/schemas/Person'}\n",
            ),
            ("models/Pet.yaml", "type: object\nproperties:\n  owner: {$ref: 'people.yaml#/components/schemas/Person'}\n  tag: {$ref: '#/definitions/Tag'}\ndefinitions:\n  Tag: {type: string}\n"),
            ("models/people.yaml", "components:\n  schemas:\n    Person:\n      type: object\n      properties:\n        pets: {type: array, items: {$ref: 'Pet.yaml'}}\n"),
        ]);
        let bundled = folder.bundle("api/openapi.yaml", Dialect::OpenApi30).unwrap();
        let doc = &bundled.document;
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        // The root component that was only a `$ref` holds its target, under its own name; the
        // cycle Pet -> Person -> Pet ends in references.
        assert_eq!(
            schemas["Owner"]["properties"]["pets"]["items"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert_eq!(schemas["Pet"]["properties"]["owner"], json!({"$ref": "#/components/schemas/Owner"}));
        assert_eq!(schemas["Pet"]["properties"]["tag"], json!({"$ref": "#/components/schemas/Tag"}));
        assert_eq!(schemas["Tag"], json!({"type": "string"}));
        assert_eq!(schemas.as_object().unwrap().len(), 3, "{schemas}");
        let origin = bundled
            .origins
            .trace(&Pointer::root().join("components").join("schemas").join("Pet").join("type"));
        let origin = origin.unwrap();
        assert!(origin.file.unwrap().ends_with("models/Pet.yaml"));
        assert_eq!(origin.pointer.to_string(), "#/type");
        assert!(bundled.notes.is_empty(), "{:?}", bundled.notes);
    }

    #[test]
    fn refs_where_values_belong_are_replaced_with_a_warning() {
        let folder = Folder::new(&[
            (
                "openapi.yaml",
                "openapi: 3.0.3\ntags:\n  - name: t\n    description: {$ref: 'docs/t.md'}\npaths:\n  /a: {$ref: 'paths/a.yaml'}\n  /b:\n    get: {$ref: 'paths/a.yaml#/get'}\n",
            ),
            ("docs/t.md", "# All about t\n"),
            ("paths/a.yaml", "get:\n  responses:\n    '200': {$ref: '../common.yaml#/components/responses/Ok'}\n"),
            ("common.yaml", "components:\n  responses:\n    Ok: {description: fine}\n"),
        ]);
        let bundled = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap();
        let doc = &bundled.document;
        assert_eq!(doc["tags"][0]["description"], "# All about t\n");
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"],
            json!({"$ref": "#/components/responses/Ok"})
        );
        assert_eq!(doc["paths"]["/b"]["get"], doc["paths"]["/a"]["get"]);
        assert_eq!(doc["components"]["responses"]["Ok"], json!({"description": "fine"}));
        let places: Vec<String> = bundled.notes.iter().map(|n| n.pointer.to_string()).collect();
        assert_eq!(places, ["#/tags/0/description", "#/paths/~1b/get"], "{:?}", bundled.notes);
    }

    #[test]
    fn the_walk_is_skipped_where_it_would_change_nothing() {
        let changes = |text: &str| {
            let document = source::parse(Path::new("openapi.yaml"), text).unwrap().value;
            changes_in_entry(Dialect::OpenApi30, &document, Shape::One(Kind::Document), 0)
        };
        let head = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:";
        let local = format!("{head} {{$ref: '#/components/schemas/S'}}\ncomponents:\n  schemas:\n    S: {{type: object, properties: {{t: {{$ref: '#/components/schemas/T'}}}}}}\n    T: {{type: string}}\n");
        assert!(!changes(&local));
        // A local `$ref` anywhere a component may be named is left as it is.
        assert!(!changes(&format!("{head} {{$ref: '#/paths/~1b'}}\n")));
        // A file, however deep; a mapping that names a file.
        assert!(changes(&format!("{head} {{$ref: 'schemas.yaml#/S'}}\n")));
        assert!(changes(
            &local.replace("T: {type: string}", "T: {type: string, items: {$ref: 'items.yaml'}}")
        ));
        let mapped = |target: &str| {
            format!("{head} {{oneOf: [{{$ref: '#/components/schemas/S'}}], discriminator: {{propertyName: k, mapping: {{s: '{target}'}}}}}}\n")
        };
        assert!(!changes(&mapped("#/components/schemas/S")));
        assert!(!changes(&mapped("S")));
        assert!(changes(&mapped("s.yaml")));
        assert!(changes(&mapped("./models/s.json#/S")));
    }

    #[test]
    fn local_specs_are_left_as_they_are() {
        let text = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      parameters: [{$ref: '#/components/parameters/P'}]\n      responses: {}\n      x-thing: {$ref: 'nowhere.yaml'}\n      callbacks: {c: {$ref: 'gone.yaml'}}\ncomponents:\n  parameters:\n    P: {name: p, in: query, schema: {$ref: '#/components/schemas/S'}, example: {$ref: 'nope'}}\n  schemas:\n    S: {type: string}\n";
        let folder = Folder::new(&[("openapi.yaml", text)]);
        let bundled = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap();
        let original = source::parse(Path::new("openapi.yaml"), text).unwrap().value;
        assert_eq!(bundled.document, original);
        assert!(bundled.notes.is_empty() && bundled.origins.is_empty());
    }

    #[test]
    fn bad_refs_name_the_file_and_place() {
        let folder = Folder::new(&[
            ("openapi.yaml", "openapi: 3.0.3\npaths:\n  /a: {$ref: 'paths.yaml#/a'}\n"),
            ("paths.yaml", "a:\n  get:\n    responses:\n      '200': {$ref: 'https://example.com/r.yaml'}\n"),
        ]);
        let error = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap_err();
        assert!(error.file.ends_with("paths.yaml"), "{error}");
        // The pointer is the one inside the file the error is in.
        assert_eq!(error.pointer.to_string(), "#/a/get/responses/200/$ref");
        assert!(error.message.contains("is a URL"), "{error}");
        let folder = Folder::new(&[(
            "openapi.yaml",
            "openapi: 3.0.3\ncomponents:\n  schemas:\n    A: {$ref: 'missing.yaml'}\n",
        )]);
        let error = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap_err();
        assert!(error.message.contains("cannot read") && error.message.contains("missing.yaml"), "{error}");
        let folder = Folder::new(&[
            ("openapi.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    get: {$ref: 'ops.yaml#/a'}\n"),
            ("ops.yaml", "a: {$ref: '#/b'}\nb: {$ref: '#/a'}\n"),
        ]);
        let error = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap_err();
        assert!(error.message.contains("contains itself"), "{error}");
    }

    #[test]
    fn names_that_look_like_extensions_siblings_and_missing_targets() {
        let folder = Folder::new(&[
            (
                "openapi.yaml",
                "openapi: 3.0.3\npaths:\n  x-skip: {$ref: 'nowhere.yaml'}\n  /a:\n    $ref: 'paths.yaml#/a'\n    parameters: [{$ref: '#/components/parameters/Id'}]\ncomponents:\n  headers:\n    x-rate-limit: {$ref: 'common.yaml#/Limit'}\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: string}}\n",
            ),
            ("paths.yaml", "a:\n  get:\n    responses:\n      '200': {description: ok, content: {application/json: {schema: {$ref: 'common.yaml#/Missing'}}}}\n"),
            ("common.yaml", "Limit: {schema: {type: integer}}\n"),
        ]);
        let error = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap_err();
        // Named at the `$ref`, in its own file.
        assert!(error.file.ends_with("paths.yaml"), "{error}");
        assert_eq!(error.pointer.to_string(), "#/a/get/responses/200/content/application~1json/schema/$ref");
        assert!(error.message.contains("points at nothing"), "{error}");
        std::fs::write(
            folder.0.path().join("common.yaml"),
            "Limit: {schema: {type: integer}}\nMissing: {type: string}\n",
        )
        .unwrap();
        let bundled = folder.bundle("openapi.yaml", Dialect::OpenApi30).unwrap();
        let doc = &bundled.document;
        assert_eq!(doc["components"]["headers"]["x-rate-limit"], json!({"schema": {"type": "integer"}}));
        // The sibling of the path item's `$ref` is read in the entry, where `Id` is.
        assert_eq!(doc["paths"]["/a"]["parameters"][0], json!({"$ref": "#/components/parameters/Id"}));
        assert!(doc["paths"]["/a"]["get"].is_object());
        assert_eq!(doc["paths"]["x-skip"], json!({"$ref": "nowhere.yaml"}));
    }

    #[test]
    fn swagger_files_bundle_into_definitions() {
        let folder = Folder::new(&[
            (
                "swagger.json",
                r##"{"swagger": "2.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "common.json#/parameters/Version"}], "responses": {"200": {"description": "ok", "schema": {"$ref": "common.json#/definitions/Error"}}}}}}, "definitions": {"Error": {"type": "integer"}}}"##,
            ),
            (
                "common.json",
                r##"{"parameters": {"Version": {"name": "v", "in": "query", "type": "string"}}, "definitions": {"Error": {"type": "object", "properties": {"inner": {"$ref": "#/definitions/Error"}}}}}"##,
            ),
        ]);
        let bundled = folder.bundle("swagger.json", Dialect::Swagger2).unwrap();
        let doc = &bundled.document;
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"][0], json!({"$ref": "#/parameters/Version"}));
        // `Error` is taken by the document's own definition, so the other file's is named
        // after its file too.
        let schema = &doc["paths"]["/a"]["get"]["responses"]["200"]["schema"];
        assert_eq!(schema, &json!({"$ref": "#/definitions/common_Error"}));
        assert_eq!(
            doc["definitions"]["common_Error"]["properties"]["inner"]["$ref"],
            "#/definitions/common_Error"
        );
    }
}
