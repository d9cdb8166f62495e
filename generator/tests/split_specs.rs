//! A spec split over several files generates the same crate as the same spec in one file,
//! whichever file each definition lives in, and a Swagger 2.0 spec the same crate as its
//! OpenAPI 3.0 form.

mod common;

use std::fs;
use std::path::Path;

use common::render;
use generator::Options;

const ONE_FILE: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: '1'}
servers: [{url: 'https://pets.example.com'}]
paths:
  /pets/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
    get:
      operationId: getPet
      responses:
        '200':
          description: One pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
        default: {$ref: '#/components/responses/Problem'}
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string}}
  responses:
    Problem:
      description: Something went wrong.
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Problem'}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        pets: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    Problem:
      type: object
      properties:
        title: {type: string}
"#;

/// The same spec: the path item in one file, the pet and its owner (a cycle) in another, and
/// the parameter, response and problem in a third reached from the second.
const SPLIT: &[(&str, &str)] = &[
    (
        "openapi.yaml",
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\nservers: [{url: 'https://pets.example.com'}]\npaths:\n  /pets/{id}: {$ref: 'paths/pet.yaml'}\n",
    ),
    (
        "paths/pet.yaml",
        "parameters:\n  - $ref: '../common.yaml#/components/parameters/Id'\nget:\n  operationId: getPet\n  responses:\n    '200':\n      description: One pet.\n      content:\n        application/json:\n          schema: {$ref: '../models/pets.yaml#/Pet'}\n    default: {$ref: '../common.yaml#/components/responses/Problem'}\n",
    ),
    (
        "models/pets.yaml",
        "Pet:\n  type: object\n  required: [name]\n  properties:\n    name: {type: string}\n    owner: {$ref: '#/Owner'}\nOwner:\n  type: object\n  properties:\n    pets: {type: array, items: {$ref: '#/Pet'}}\n",
    ),
    (
        "common.yaml",
        "components:\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: string}}\n  responses:\n    Problem:\n      description: Something went wrong.\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/Problem'}\n  schemas:\n    Problem:\n      type: object\n      properties:\n        title: {type: string}\n",
    ),
];

const SWAGGER: &str = r#"
swagger: '2.0'
info: {title: Pets, version: '1'}
host: pets.example.com
schemes: [https]
produces: [application/json]
paths:
  /pets/{id}:
    parameters:
      - $ref: '#/parameters/Id'
    get:
      operationId: getPet
      responses:
        '200': {description: One pet., schema: {$ref: '#/definitions/Pet'}}
        default: {$ref: '#/responses/Problem'}
parameters:
  Id: {name: id, in: path, required: true, type: string}
responses:
  Problem: {description: Something went wrong., schema: {$ref: '#/definitions/Problem'}}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      owner: {$ref: '#/definitions/Owner'}
  Owner:
    type: object
    properties:
      pets: {type: array, items: {$ref: '#/definitions/Pet'}}
  Problem:
    type: object
    properties:
      title: {type: string}
"#;

fn generate(dir: &Path, files: &[(&str, &str)]) -> String {
    for (name, text) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let options = Options::new("pets", "openapi.yaml");
    let generated =
        generator::generate(&dir.join("openapi.yaml"), &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
    render(&generated)
}

#[test]
fn a_split_spec_generates_the_crate_of_the_whole() {
    let one = tempfile::tempdir().unwrap();
    let split = tempfile::tempdir().unwrap();
    let whole = generate(one.path(), &[("openapi.yaml", ONE_FILE)]);
    assert_eq!(generate(split.path(), SPLIT), whole);
}

#[test]
fn a_swagger_spec_generates_the_crate_of_its_openapi_form() {
    let one = tempfile::tempdir().unwrap();
    let swagger = tempfile::tempdir().unwrap();
    let whole = generate(one.path(), &[("openapi.yaml", ONE_FILE)]);
    assert_eq!(generate(swagger.path(), &[("openapi.yaml", SWAGGER)]), whole);
}
