// Empty on purpose. A package with an assembly file is compiled without -complete, which
// is what allows the body-less runtimeMapclear declaration in goruntime.go; the linker
// then binds it to runtime.mapclear through its //go:linkname directive.
