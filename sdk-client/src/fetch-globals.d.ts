// The generated fetch client names DOM's `BodyInit` in two casts. Node's globals (@types/node) type
// fetch, Request and Response but do not declare that alias, and this package builds against them
// so it runs on Node and in browsers alike. Remove this file if the build ever adds the DOM lib.
type BodyInit = NonNullable<RequestInit["body"]>;
