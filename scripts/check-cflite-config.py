#!/usr/bin/env python3
"""Usage: scripts/check-cflite-config.py [--root DIR] [--self-test] [-q]

Checks the continuous-fuzzing configuration with a real YAML parser (PyYAML, from
scripts/deps.sh) and against what the services expect:
  .github/workflows/*.yml   GitHub Actions structure (keys, triggers, cron, permissions,
                            ${{ matrix.* }} / ${{ steps.* }} references), the inputs of
                            google/clusterfuzzlite/actions/{build,run}_fuzzers@v1 (names,
                            modes, sanitizers, budgets, build/run pairing), and that together
                            they run code-change fuzzing on pull requests with address and
                            undefined, batch fuzzing on a schedule with both, corpus pruning
                            and coverage reports
  .clusterfuzzlite/         project.yaml keys and language, base_os_version against the
                            Dockerfile's image tag, build.sh reusing scripts/oss-fuzz/build.sh
  scripts/oss-fuzz/         project.yaml as OSS-Fuzz's presubmit checks it (section names,
                            sanitizer and engine names, main_repo, contacts), the Dockerfile
                            (image tag, clone of main_repo, packages, licence header) and
                            build.sh (only the builder's variables, no hard-coded sanitizer
                            or engine flags)
--self-test breaks copies of these files in one way at a time (malformed YAML, unknown
input, wrong mode, missing budget, ...) and fails unless every break is reported and the
unbroken copy passes.
Exit status: 0 all good; 1 with one "file: problem" line per problem; 2 for a usage error
or when PyYAML is missing.
Next after a failure: fix the named file; the docstring of each check below says what the
service expects.
"""
import argparse
import os
import re
import shutil
import sys
import tempfile

try:
    import yaml
except ImportError:  # pragma: no cover - deps.sh installs python3-yaml
    print("check-cflite-config.py: PyYAML is missing (scripts/deps.sh installs python3-yaml)",
          file=sys.stderr)
    sys.exit(2)

CFL_BUILD = "google/clusterfuzzlite/actions/build_fuzzers"
CFL_RUN = "google/clusterfuzzlite/actions/run_fuzzers"
CFL_REF = "v1"

# Inputs of the ClusterFuzzLite v1 actions (actions/*/action.yml).
BUILD_INPUTS = {
    "language", "dry-run", "allowed-broken-targets-percentage", "sanitizer",
    "project-src-path", "bad-build-check", "keep-unaffected-fuzz-targets", "storage-repo",
    "storage-repo-branch", "storage-repo-branch-coverage", "upload-build", "github-token",
}
RUN_INPUTS = {
    "language", "fuzz-seconds", "dry-run", "sanitizer", "mode", "github-token",
    "storage-repo", "storage-repo-branch", "storage-repo-branch-coverage",
    "report-unreproducible-crashes", "minimize-crashes", "parallel-fuzzing", "output-sarif",
}
RUN_REQUIRED = {"github-token", "fuzz-seconds"}  # fuzz-seconds: no silent default budget
BOOL_INPUTS = {
    "dry-run", "bad-build-check", "keep-unaffected-fuzz-targets", "upload-build",
    "report-unreproducible-crashes", "minimize-crashes", "parallel-fuzzing", "output-sarif",
}
MODES = {"code-change", "batch", "prune", "coverage"}
CFL_SANITIZERS = {"address", "undefined", "memory", "coverage"}
CODE_CHANGE_MAX_SECONDS = 900  # pull requests get a short budget

# OSS-Fuzz project.yaml (infra/presubmit.py and the build infrastructure).
OSSFUZZ_SECTIONS = {
    "architectures", "auto_ccs", "base_os_version", "blackbox", "builds_per_day",
    "coverage_extra_args", "disabled", "file_github_issue", "fuzzing_engines", "help_url",
    "homepage", "language", "labels", "main_repo", "primary_contact", "run_tests",
    "sanitizers", "selective_unpack", "vendor_ccs", "view_restrictions",
}
OSSFUZZ_SANITIZERS = {"address", "undefined", "memory", "thread", "dataflow", "hwaddress",
                      "coverage", "introspector", "none"}
OSSFUZZ_ENGINES = {"libfuzzer", "afl", "honggfuzz", "centipede", "none", "wycheproof"}
LANGUAGES = {"c", "c++", "go", "javascript", "jvm", "python", "ruby", "rust", "swift"}
BASE_OS_VERSIONS = {"legacy": None, "ubuntu-24-04": "ubuntu-24-04"}
BASE_BUILDER = "gcr.io/oss-fuzz-base/base-builder"
LICENSE_URL = "http://www.apache.org/licenses/LICENSE-2.0"
# The only environment build.sh may read (docs: "build.sh requirements").
BUILD_ENV = {"CC", "CXX", "CFLAGS", "CXXFLAGS", "LIB_FUZZING_ENGINE", "SRC", "OUT", "WORK"}

WORKFLOW_KEYS = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency",
                 "jobs"}
JOB_KEYS = {"name", "runs-on", "needs", "permissions", "if", "steps", "strategy",
            "concurrency", "env", "defaults", "timeout-minutes", "continue-on-error",
            "container", "services", "outputs", "environment", "uses", "with", "secrets"}
STEP_KEYS = {"id", "name", "uses", "run", "with", "env", "if", "shell", "working-directory",
             "continue-on-error", "timeout-minutes"}
EVENTS = {"push", "pull_request", "pull_request_target", "schedule", "workflow_dispatch",
          "workflow_call", "workflow_run", "merge_group", "release", "repository_dispatch"}
PERMISSION_SCOPES = {"actions", "attestations", "checks", "contents", "deployments",
                     "discussions", "id-token", "issues", "models", "packages", "pages",
                     "pull-requests", "repository-projects", "security-events", "statuses"}
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CRON_FIELD = re.compile(r"^[0-9*,/\-A-Za-z]+$")


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML keeps the last silently;
    GitHub refuses such a workflow)."""


def _construct_mapping(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                "found duplicate key %r" % (key,), key_node.start_mark)
        seen[key] = True
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                             _construct_mapping)


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []

    # -- helpers -------------------------------------------------------------------------
    def err(self, path, msg):
        self.errors.append("%s: %s" % (os.path.relpath(path, self.root), msg))

    def read(self, rel, required=True):
        path = os.path.join(self.root, rel)
        if not os.path.isfile(path):
            if required:
                self.err(path, "missing")
            return None
        with open(path, encoding="utf-8") as f:
            return f.read()

    def load_yaml(self, rel, required=True):
        path = os.path.join(self.root, rel)
        text = self.read(rel, required)
        if text is None:
            return None
        try:
            data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - strict SafeLoader
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            where = " (line %d, column %d)" % (mark.line + 1, mark.column + 1) if mark else ""
            problem = getattr(e, "problem", None) or str(e).splitlines()[0]
            self.err(path, "not valid YAML%s: %s" % (where, problem))
            return None
        if not isinstance(data, dict):
            self.err(path, "top level must be a mapping")
            return None
        return data

    # -- ClusterFuzzLite project --------------------------------------------------------
    def check_dockerfile_base(self, rel, base_os):
        """The FROM image must be base-builder with the tag base_os_version implies."""
        text = self.read(rel)
        if text is None:
            return None
        froms = re.findall(r"^\s*FROM\s+(\S+)", text, re.M | re.I)
        path = os.path.join(self.root, rel)
        if len(froms) != 1:
            self.err(path, "needs exactly one FROM line (found %d)" % len(froms))
            return text
        image = froms[0]
        name, _, tag = image.partition(":")
        if name != BASE_BUILDER:
            self.err(path, "FROM %s: must be %s" % (image, BASE_BUILDER))
        want = BASE_OS_VERSIONS.get(base_os or "legacy", "?")
        if want is None:
            if tag not in ("", "v1", "latest"):
                self.err(path, "FROM %s: project.yaml has no base_os_version (legacy image), "
                         "so the tag must be empty, v1 or latest" % image)
        elif tag != want:
            self.err(path, "FROM %s: project.yaml says base_os_version %s, so the image "
                     "must be %s:%s" % (image, base_os, BASE_BUILDER, want))
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        for pkg in ("cmake", "ninja-build", "libxxhash-dev", "zip"):
            if not re.search(r"apt-get\s+install[^\n]*(\\\n[^\n]*)*[\s=]%s(\s|$)"
                             % re.escape(pkg), code):
                self.err(path, "does not apt-get install %s (the build needs it)" % pkg)
        return text

    def check_base_os(self, path, data):
        base_os = data.get("base_os_version")
        if base_os is not None and base_os not in BASE_OS_VERSIONS:
            self.err(path, "base_os_version %r is not one of %s"
                     % (base_os, ", ".join(sorted(BASE_OS_VERSIONS))))
        return base_os

    def check_build_script_env(self, rel):
        """build.sh reads only the builder's variables and adds no sanitizer, coverage or
        engine flags of its own: one script serves every engine and sanitizer."""
        text = self.read(rel)
        if text is None:
            return None
        path = os.path.join(self.root, rel)
        for n, line in enumerate(text.splitlines(), 1):
            code = line if line.startswith("#!") else line.split("#", 1)[0]
            for m in re.finditer(r"\$\{?([A-Z][A-Z0-9_]*)", code):
                if m.group(1) not in BUILD_ENV:
                    self.err(path, "line %d reads $%s; build.sh may use only %s"
                             % (n, m.group(1), " ".join("$" + v for v in sorted(BUILD_ENV))))
            for flag in ("-fsanitize", "-fprofile-instr", "-fcoverage-mapping",
                         "-lFuzzingEngine", "libFuzzingEngine"):
                if flag in code:
                    self.err(path, "line %d hard-codes %s; take it from $CFLAGS/$CXXFLAGS/"
                             "$LIB_FUZZING_ENGINE" % (n, flag))
        return text

    def check_clusterfuzzlite(self):
        """.clusterfuzzlite/: project.yaml, Dockerfile, build.sh."""
        path = os.path.join(self.root, ".clusterfuzzlite/project.yaml")
        data = self.load_yaml(".clusterfuzzlite/project.yaml")
        language = None
        base_os = None
        if data is not None:
            for key in data:
                if key not in OSSFUZZ_SECTIONS:
                    self.err(path, "%s is not a project.yaml key" % key)
            language = data.get("language")
            if language not in LANGUAGES:
                self.err(path, "language %r is not one of %s"
                         % (language, ", ".join(sorted(LANGUAGES))))
            base_os = self.check_base_os(path, data)
        text = self.check_dockerfile_base(".clusterfuzzlite/Dockerfile", base_os)
        if text is not None:
            dpath = os.path.join(self.root, ".clusterfuzzlite/Dockerfile")
            if not re.search(r"^\s*COPY\s+\.\s+\$SRC/gomap\s*$", text, re.M):
                self.err(dpath, "must COPY . $SRC/gomap (the checkout under test)")
            if not re.search(r"^\s*COPY\s+\.clusterfuzzlite/build\.sh\s+\$SRC/\s*$", text, re.M):
                self.err(dpath, "must COPY .clusterfuzzlite/build.sh $SRC/")
        script = self.check_build_script_env(".clusterfuzzlite/build.sh")
        if script is not None and "$SRC/gomap/scripts/oss-fuzz/build.sh" not in script:
            self.err(os.path.join(self.root, ".clusterfuzzlite/build.sh"),
                     "must run $SRC/gomap/scripts/oss-fuzz/build.sh (one build for both "
                     "services)")
        return language

    # -- OSS-Fuzz project ---------------------------------------------------------------
    def check_oss_fuzz(self):
        """scripts/oss-fuzz/: what OSS-Fuzz's presubmit and build infrastructure check."""
        path = os.path.join(self.root, "scripts/oss-fuzz/project.yaml")
        data = self.load_yaml("scripts/oss-fuzz/project.yaml")
        base_os = None
        main_repo = None
        if data is not None:
            for key in data:
                if key not in OSSFUZZ_SECTIONS:
                    self.err(path, "%s is not a valid section name" % key)
            main_repo = data.get("main_repo")
            if not isinstance(main_repo, str) or not re.match(r"^https://\S+$", main_repo):
                self.err(path, "main_repo must be an https URL of the repository")
                main_repo = None
            if data.get("language") not in LANGUAGES:
                self.err(path, "language %r is not one of %s"
                         % (data.get("language"), ", ".join(sorted(LANGUAGES))))
            emails = [data.get("primary_contact")] + list(data.get("auto_ccs") or [])
            if not data.get("primary_contact"):
                self.err(path, "primary_contact is missing")
            for e in emails:
                if e is not None and (not isinstance(e, str) or "@" not in e or "." not in e):
                    self.err(path, "%r is not an email address" % (e,))
            for section, allowed in (("sanitizers", OSSFUZZ_SANITIZERS),
                                     ("fuzzing_engines", OSSFUZZ_ENGINES)):
                values = data.get(section)
                if values is None:
                    continue
                if not isinstance(values, list):
                    self.err(path, "%s must be a list" % section)
                    continue
                for v in values:
                    name = v
                    if isinstance(v, dict) and len(v) == 1:
                        name = next(iter(v))
                    if not isinstance(name, str) or name not in allowed:
                        self.err(path, "%r (in %s) is not one of %s"
                                 % (v, section, ", ".join(sorted(allowed))))
            sanitizers = {v if isinstance(v, str) else next(iter(v))
                          for v in data.get("sanitizers") or [] if isinstance(v, (str, dict))}
            for need in ("address", "undefined"):
                if data.get("sanitizers") is not None and need not in sanitizers:
                    self.err(path, "sanitizers must include %s" % need)
            if "libfuzzer" not in (data.get("fuzzing_engines") or ["libfuzzer"]):
                self.err(path, "fuzzing_engines must include libfuzzer")
            base_os = self.check_base_os(path, data)
        text = self.check_dockerfile_base("scripts/oss-fuzz/Dockerfile", base_os)
        dpath = os.path.join(self.root, "scripts/oss-fuzz/Dockerfile")
        if text is not None:
            clones = re.findall(r"git\s+clone\s+(?:--?\S+\s+(?:\d+\s+)?)*(\S+)\s+gomap\b", text)
            if len(clones) != 1:
                self.err(dpath, "must git clone the repository into $SRC/gomap once")
            elif main_repo is not None and clones[0] != main_repo:
                self.err(dpath, "clones %s but project.yaml main_repo is %s"
                         % (clones[0], main_repo))
            if not re.search(r"^\s*COPY\s+build\.sh\s+\$SRC/\s*$", text, re.M):
                self.err(dpath, "must COPY build.sh $SRC/")
            if LICENSE_URL not in text:
                self.err(dpath, "no licence header (OSS-Fuzz's presubmit wants %s)"
                         % LICENSE_URL)
        script = self.check_build_script_env("scripts/oss-fuzz/build.sh")
        if script is not None:
            spath = os.path.join(self.root, "scripts/oss-fuzz/build.sh")
            if LICENSE_URL not in script:
                self.err(spath, "no licence header (OSS-Fuzz's presubmit wants %s)"
                         % LICENSE_URL)
            for var in ("$LIB_FUZZING_ENGINE", "$OUT", "$CXX", "$CXXFLAGS"):
                if var not in script:
                    self.err(spath, "never uses %s" % var)

    # -- workflows ----------------------------------------------------------------------
    def workflow_files(self):
        d = os.path.join(self.root, ".github/workflows")
        if not os.path.isdir(d):
            return []
        return sorted(os.path.join(".github/workflows", f) for f in os.listdir(d)
                      if f.endswith((".yml", ".yaml")))

    def check_permissions(self, path, where, perms):
        if perms is None:
            return
        if isinstance(perms, str):
            if perms not in ("read-all", "write-all"):
                self.err(path, "%s permissions %r: read-all, write-all or a mapping"
                         % (where, perms))
            return
        if not isinstance(perms, dict):
            self.err(path, "%s permissions must be a mapping" % where)
            return
        for scope, level in perms.items():
            if scope not in PERMISSION_SCOPES:
                self.err(path, "%s permissions: unknown scope %s" % (where, scope))
            if level not in ("read", "write", "none"):
                self.err(path, "%s permissions: %s: %r is not read, write or none"
                         % (where, scope, level))

    @staticmethod
    def grants(perms, scope):
        if perms == "write-all":
            return True
        return isinstance(perms, dict) and perms.get(scope) == "write"

    def check_triggers(self, path, on):
        """Returns the set of event names."""
        if isinstance(on, str):
            on = [on]
        if isinstance(on, list):
            on = {e: None for e in on}
        if not isinstance(on, dict) or not on:
            self.err(path, "'on' must name at least one event")
            return set()
        for event, cfg in on.items():
            if event not in EVENTS:
                self.err(path, "unknown trigger %r" % event)
            if event == "schedule":
                if not isinstance(cfg, list) or not cfg:
                    self.err(path, "schedule must be a list of {cron: ...}")
                    continue
                for entry in cfg:
                    cron = entry.get("cron") if isinstance(entry, dict) else None
                    fields = cron.split() if isinstance(cron, str) else []
                    if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
                        self.err(path, "schedule cron %r: needs five fields" % (cron,))
        return set(on)

    def expressions(self, value):
        if isinstance(value, str):
            yield from EXPR.findall(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from self.expressions(k)
                yield from self.expressions(v)
        elif isinstance(value, list):
            for v in value:
                yield from self.expressions(v)

    def resolve(self, value, matrix):
        """The literal values an input can take: itself, or each value of the matrix
        variable it names."""
        if not isinstance(value, str):
            return [value]
        m = re.fullmatch(r"\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}", value)
        if m:
            vals = matrix.get(m.group(1))
            return list(vals) if isinstance(vals, list) else []
        return [value]

    def check_workflow(self, rel, language, tasks):
        path = os.path.join(self.root, rel)
        data = self.load_yaml(rel)
        if data is None:
            return
        # YAML 1.1 reads the key `on` as the boolean true.
        if True in data:
            data["on"] = data.pop(True)
        for key in data:
            if key not in WORKFLOW_KEYS:
                self.err(path, "unknown top-level key %r" % key)
        if "on" not in data:
            self.err(path, "no 'on' (trigger)")
        events = self.check_triggers(path, data.get("on"))
        self.check_permissions(path, "workflow", data.get("permissions"))
        jobs = data.get("jobs")
        if not isinstance(jobs, dict) or not jobs:
            self.err(path, "no jobs")
            return
        for job_id, job in jobs.items():
            where = "job %s" % job_id
            if not re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$", str(job_id)):
                self.err(path, "%s: invalid job id" % where)
            if not isinstance(job, dict):
                self.err(path, "%s must be a mapping" % where)
                continue
            for key in job:
                if key not in JOB_KEYS:
                    self.err(path, "%s: unknown key %r" % (where, key))
            if "uses" in job:
                continue  # a reusable workflow call
            if "runs-on" not in job:
                self.err(path, "%s: no runs-on" % where)
            self.check_permissions(path, where, job.get("permissions"))
            perms = job.get("permissions", data.get("permissions"))
            strategy = job.get("strategy") or {}
            matrix = strategy.get("matrix") or {} if isinstance(strategy, dict) else {}
            if not isinstance(matrix, dict):
                self.err(path, "%s: strategy.matrix must be a mapping" % where)
                matrix = {}
            steps = job.get("steps")
            if not isinstance(steps, list) or not steps:
                self.err(path, "%s: no steps" % where)
                continue
            step_ids = [s.get("id") for s in steps if isinstance(s, dict) and s.get("id")]
            if len(step_ids) != len(set(step_ids)):
                self.err(path, "%s: duplicate step ids" % where)
            for expr in self.expressions(job):
                for ref in re.findall(r"\bmatrix\.([A-Za-z0-9_-]+)", expr):
                    if ref not in matrix:
                        self.err(path, "%s: ${{ %s }} names matrix.%s, which the job's "
                                 "matrix does not define" % (where, expr, ref))
                for ref in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)", expr):
                    if ref not in step_ids:
                        self.err(path, "%s: ${{ %s }} names step %s, which does not exist"
                                 % (where, expr, ref))
            built = None  # the sanitizer value of the last build_fuzzers step
            for i, step in enumerate(steps, 1):
                sw = "%s step %d" % (where, i)
                if not isinstance(step, dict):
                    self.err(path, "%s must be a mapping" % sw)
                    continue
                for key in step:
                    if key not in STEP_KEYS:
                        self.err(path, "%s: unknown key %r" % (sw, key))
                if ("uses" in step) == ("run" in step):
                    self.err(path, "%s: needs exactly one of uses and run" % sw)
                    continue
                uses = step.get("uses", "")
                with_ = step.get("with") or {}
                if not isinstance(with_, dict):
                    self.err(path, "%s: with must be a mapping" % sw)
                    continue
                action, _, ref = uses.partition("@")
                if uses.startswith("github/codeql-action/upload-sarif"):
                    if not self.grants(perms, "security-events"):
                        self.err(path, "%s uploads SARIF but the job cannot write "
                                 "security-events" % sw)
                if action not in (CFL_BUILD, CFL_RUN):
                    if "clusterfuzzlite" in uses:
                        self.err(path, "%s: unknown ClusterFuzzLite action %s" % (sw, uses))
                    continue
                if ref != CFL_REF:
                    self.err(path, "%s: use %s@%s (found @%s)" % (sw, action, CFL_REF, ref))
                known = BUILD_INPUTS if action == CFL_BUILD else RUN_INPUTS
                for key in with_:
                    if key not in known:
                        self.err(path, "%s: unknown input %r for %s" % (sw, key, action))
                for key in BOOL_INPUTS & set(with_):
                    v = with_[key]
                    if not (isinstance(v, bool) or (isinstance(v, str) and
                            (v.lower() in ("true", "false") or EXPR.fullmatch(v)))):
                        self.err(path, "%s: %s must be true or false" % (sw, key))
                lang = with_.get("language", "c++")
                if language is not None and lang != language:
                    self.err(path, "%s: language %r, but .clusterfuzzlite/project.yaml says "
                             "%r" % (sw, lang, language))
                token = with_.get("github-token")
                if token is not None and not (isinstance(token, str) and
                                              EXPR.fullmatch(token.strip())):
                    self.err(path, "%s: github-token must be an expression such as "
                             "${{ secrets.GITHUB_TOKEN }}, never a literal" % sw)
                sanitizer = with_.get("sanitizer", "address")
                values = self.resolve(sanitizer, matrix)
                if not values:
                    self.err(path, "%s: sanitizer %r resolves to nothing" % (sw, sanitizer))
                for v in values:
                    if v not in CFL_SANITIZERS:
                        self.err(path, "%s: sanitizer %r is not one of %s"
                                 % (sw, v, ", ".join(sorted(CFL_SANITIZERS))))
                if action == CFL_BUILD:
                    built = sanitizer
                    continue
                # run_fuzzers
                for key in sorted(RUN_REQUIRED - set(with_)):
                    self.err(path, "%s: run_fuzzers needs %s" % (sw, key))
                if built is None:
                    self.err(path, "%s: run_fuzzers with no build_fuzzers step before it"
                             % sw)
                elif built != sanitizer:
                    self.err(path, "%s: runs sanitizer %r but the build step built %r"
                             % (sw, sanitizer, built))
                mode = with_.get("mode", "code-change")
                if mode not in MODES:
                    self.err(path, "%s: mode %r is not one of %s"
                             % (sw, mode, ", ".join(sorted(MODES))))
                if (mode == "coverage") != ("coverage" in values):
                    self.err(path, "%s: mode coverage goes with sanitizer coverage, and only "
                             "with it (mode %r, sanitizer %r)" % (sw, mode, sanitizer))
                secs = with_.get("fuzz-seconds")
                if secs is not None and not (isinstance(secs, int) and secs > 0):
                    if not (isinstance(secs, str) and EXPR.fullmatch(secs)):
                        self.err(path, "%s: fuzz-seconds must be a positive number" % sw)
                        secs = None
                if mode == "code-change" and isinstance(secs, int) and \
                        secs > CODE_CHANGE_MAX_SECONDS:
                    self.err(path, "%s: code-change fuzzing for %d s; pull requests get at "
                             "most %d s" % (sw, secs, CODE_CHANGE_MAX_SECONDS))
                tasks.append((rel, events, mode, set(values)))

    def check_tasks(self, tasks):
        """Together the workflows must fuzz pull requests (address and undefined), batch
        fuzz on a schedule (address and undefined), prune the corpus and report coverage
        on a schedule."""
        wd = os.path.join(self.root, ".github/workflows")

        def sanitizers(mode, event):
            got = set()
            for _, events, m, values in tasks:
                if m == mode and event in events:
                    got |= values
            return got

        for mode, event, need in (("code-change", "pull_request", {"address", "undefined"}),
                                  ("batch", "schedule", {"address", "undefined"}),
                                  ("prune", "schedule", {"address"}),
                                  ("coverage", "schedule", {"coverage"})):
            missing = need - sanitizers(mode, event)
            if missing:
                self.err(wd, "no workflow runs mode %s on %s with sanitizer %s"
                         % (mode, event, ", ".join(sorted(missing))))

    def run(self):
        language = self.check_clusterfuzzlite()
        self.check_oss_fuzz()
        tasks = []
        for rel in self.workflow_files():
            self.check_workflow(rel, language, tasks)
        self.check_tasks(tasks)
        return self.errors


# -- self-test -----------------------------------------------------------------------------
FILES = [".clusterfuzzlite/project.yaml", ".clusterfuzzlite/Dockerfile",
         ".clusterfuzzlite/build.sh", "scripts/oss-fuzz/project.yaml",
         "scripts/oss-fuzz/Dockerfile", "scripts/oss-fuzz/build.sh"]
PR = ".github/workflows/cflite_pr.yml"
BATCH = ".github/workflows/cflite_batch.yml"
CRON = ".github/workflows/cflite_cron.yml"
OSS_YAML = "scripts/oss-fuzz/project.yaml"
OSS_DOCKER = "scripts/oss-fuzz/Dockerfile"
OSS_BUILD = "scripts/oss-fuzz/build.sh"
CFL_YAML = ".clusterfuzzlite/project.yaml"

# (what is broken, file, text to replace (None: delete the file), replacement,
#  a word the report must contain)
BREAKS = [
    ("malformed YAML", PR, "    runs-on: ubuntu-latest\n", "    runs-on: [ubuntu-latest\n",
     "not valid YAML"),
    ("duplicate key", PR, "    runs-on: ubuntu-latest\n",
     "    runs-on: ubuntu-latest\n    runs-on: ubuntu-22.04\n", "duplicate key"),
    ("misspelt input", PR, "          fuzz-seconds: 300\n", "          fuzz-second: 300\n",
     "unknown input"),
    ("unknown mode", PR, "          mode: code-change\n", "          mode: ci\n", "mode 'ci'"),
    ("no github-token", PR,
     "          github-token: ${{ secrets.GITHUB_TOKEN }}\n          fuzz-seconds: 300\n",
     "          fuzz-seconds: 300\n", "needs github-token"),
    ("literal token", BATCH, "          github-token: ${{ secrets.GITHUB_TOKEN }}\n",
     "          github-token: ghp_0123456789\n", "never a literal"),
    ("long PR budget", PR, "fuzz-seconds: 300", "fuzz-seconds: 3600", "at most"),
    ("undefined matrix variable", PR, "          sanitizer: ${{ matrix.sanitizer }}\n"
     "          output-sarif", "          sanitizer: ${{ matrix.sanitiser }}\n"
     "          output-sarif", "matrix.sanitiser"),
    ("build/run sanitizer mismatch", BATCH, "          mode: batch\n          sanitizer: "
     "${{ matrix.sanitizer }}", "          mode: batch\n          sanitizer: address",
     "build step built"),
    ("PR fuzzing without UBSan", PR, "          - undefined\n", "", "sanitizer undefined"),
    ("unknown sanitizer", BATCH, "          - undefined\n", "          - thread\n",
     "'thread' is not one of"),
    ("no cron workflow", CRON, None, None, "mode prune"),
    ("coverage with ASan", CRON, "          mode: coverage\n          sanitizer: coverage",
     "          mode: coverage\n          sanitizer: address", "mode coverage goes"),
    ("bad cron", BATCH, "'17 3,15 * * *'", "'17 3,15 * *'", "five fields"),
    ("SARIF without permission", BATCH, "      security-events: write", "      issues: write",
     "security-events"),
    ("step with uses and run", CRON, "        id: build\n", "        id: build\n"
     "        run: true\n", "exactly one of uses and run"),
    ("unpinned action", CRON, "run_fuzzers@v1", "run_fuzzers@main", "@v1"),
    ("CFL image/base_os mismatch", CFL_YAML, "base_os_version: ubuntu-24-04\n", "",
     "no base_os_version"),
    ("CFL build.sh not shared", ".clusterfuzzlite/build.sh",
     "$SRC/gomap/scripts/oss-fuzz/build.sh", "$SRC/gomap/build.sh", "one build"),
    ("OSS-Fuzz unknown section", OSS_YAML, "fuzzing_engines:", "fuzzing_engine:",
     "not a valid section"),
    ("OSS-Fuzz no main_repo", OSS_YAML, "main_repo:", "# main_repo:", "main_repo"),
    ("OSS-Fuzz bad engine", OSS_YAML, "  - honggfuzz\n", "  - hongfuzz\n", "'hongfuzz'"),
    ("OSS-Fuzz bad contact", OSS_YAML, "REPLACE-WITH-MAINTAINER@example.com",
     "maintainer", "not an email"),
    ("OSS-Fuzz without UBSan", OSS_YAML, "  - undefined\n", "", "include undefined"),
    ("OSS-Fuzz clone differs", OSS_DOCKER, "/gomap.git gomap", "/gomap-fork.git gomap",
     "clones"),
    ("OSS-Fuzz 20.04 image", OSS_DOCKER, "base-builder:ubuntu-24-04", "base-builder",
     "base_os_version"),
    ("OSS-Fuzz no libxxhash", OSS_DOCKER, "ninja-build libxxhash-dev zip", "ninja-build zip",
     "libxxhash-dev"),
    ("OSS-Fuzz no licence", OSS_DOCKER, "http://www.apache.org/licenses/LICENSE-2.0",
     "the licence", "licence header"),
    ("build.sh hard-codes ASan", OSS_BUILD, '-DCMAKE_CXX_FLAGS="$CXXFLAGS"',
     '-DCMAKE_CXX_FLAGS="$CXXFLAGS -fsanitize=address"', "hard-codes -fsanitize"),
    ("build.sh reads $SANITIZER", OSS_BUILD, 'build="$WORK/gomap-build"',
     'build="$WORK/gomap-build-$SANITIZER"', "reads $SANITIZER"),
    ("build.sh ignores the engine", OSS_BUILD, '<<<"$LIB_FUZZING_ENGINE"',
     '<<<"-fsanitize=fuzzer"', "-fsanitize"),
]


def copy_tree(src, dst):
    for rel in FILES:
        s = os.path.join(src, rel)
        if os.path.exists(s):
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy2(s, os.path.join(dst, rel))
    wf = os.path.join(src, ".github/workflows")
    if os.path.isdir(wf):
        shutil.copytree(wf, os.path.join(dst, ".github/workflows"))


def self_test(root, quiet):
    failures = 0
    with tempfile.TemporaryDirectory(prefix="gomap-cflite-selftest.") as tmp:
        base = os.path.join(tmp, "base")
        copy_tree(root, base)
        errors = Checker(base).run()
        if errors:
            print("self-test: the unbroken copy already fails:", file=sys.stderr)
            for e in errors:
                print("  " + e, file=sys.stderr)
            return 1
        for n, (what, rel, old, new, expect) in enumerate(BREAKS):
            case = os.path.join(tmp, "case%02d" % n)
            copy_tree(root, case)
            path = os.path.join(case, rel)
            if old is None:
                os.remove(path)
            else:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                if old not in text:
                    print("self-test: %s: %r no longer occurs in %s (update BREAKS)"
                          % (what, old, rel), file=sys.stderr)
                    failures += 1
                    continue
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text.replace(old, new, 1))
            errors = Checker(case).run()
            hit = [e for e in errors if expect in e]
            if hit:
                if not quiet:
                    print("self-test: %-30s caught: %s" % (what, hit[0]))
            else:
                failures += 1
                print("self-test: %s: NOT caught (wanted %r; got %s)"
                      % (what, expect, errors or "no errors"), file=sys.stderr)
    print("self-test: %d of %d broken configurations caught"
          % (len(BREAKS) - failures, len(BREAKS)))
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help="repository root (default: this checkout)")
    ap.add_argument("--self-test", action="store_true",
                    help="prove every check fails on a broken copy")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.root, args.quiet)
    errors = Checker(args.root).run()
    for e in errors:
        print(e)
    if errors:
        print("check-cflite-config.py: %d problem(s)" % len(errors), file=sys.stderr)
        return 1
    if not args.quiet:
        print("check-cflite-config.py: workflows, .clusterfuzzlite/ and scripts/oss-fuzz/ "
              "are consistent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
