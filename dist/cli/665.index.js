export const id = 665;
export const ids = [665];
export const modules = {

/***/ 6665:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  askInterpreter: () => (/* binding */ askInterpreter)
});

// UNUSED EXPORTS: VERSION_SCRIPT, releaseFromOutput

;// CONCATENATED MODULE: ./lib/bounded/child-env.js
// The environment every child process gets: the runner's, minus what the runner hands the
// action for itself. A deny list, not an allow list, on purpose: the children are the user's own
// tools (a Python with its PYTHONPATH and venv, the cloud SDK behind a credential plugin with its
// AWS_* / AZURE_* / CLOUDSDK_* settings, proxies, CA bundles), whose needs the action cannot
// enumerate; the version probe must also see exactly what the launched frontend will see. What is
// removed is what no child needs and every child could misuse: the inputs (the API key), the
// post step's state, the runner's tokens, and the files the runner acts on (a write to GITHUB_ENV
// or GITHUB_PATH would change every later step).
const REMOVED_PREFIXES = ['INPUT_', 'STATE_', 'ACTIONS_RUNTIME_', 'ACTIONS_ID_TOKEN_REQUEST_'];
const REMOVED = new Set([
    'ACTIONS_CACHE_URL',
    'ACTIONS_RESULTS_URL',
    'GITHUB_TOKEN',
    // The CLI's key variable.
    'DYNAMO_API_KEY',
    // Runner file commands.
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY',
]);
/** Whether a variable stays out of every child's environment. */
function withheld(name) {
    const upper = name.toUpperCase();
    return REMOVED.has(upper) || REMOVED_PREFIXES.some((p) => upper.startsWith(p));
}
/** `env` without the variables no child may see; `extra` is added after (it is ours). */
function childEnv(env, extra = {}) {
    const out = {};
    for (const [key, value] of Object.entries(env))
        if (value !== undefined && !withheld(key))
            out[key] = value;
    return { ...out, ...extra };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./lib/bounded/limits.js
var limits = __webpack_require__(3897);
;// CONCATENATED MODULE: ./lib/bounded/child.js
// Runs a short-lived child process under the parent's control: its own process group, no stdin,
// capped stdout and stderr, a deadline after which the whole group gets SIGTERM and, after a
// grace, SIGKILL. The child cannot bound itself (a Python that never reaches its own alarm, a
// credential plugin waiting for a person), so the parent does.
//
// Not @actions/exec: it gives no handle on the child (nothing to kill on a deadline), cannot
// start it in a new process group (a wrapper's grandchildren would survive a kill), and keeps
// stdin open unless given input. node:child_process can do all three.


/** After the child exits, how long what it left in its group may keep its output open. */
const LEFTOVER_GRACE_MS = 500;
/** Sends `signal` to the group led by `pid` (falls back to the pid alone); false when gone. */
function signalGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
        return true;
    }
    catch {
        try {
            process.kill(pid, signal);
            return true;
        }
        catch {
            return false;
        }
    }
}
function runChild(command, args, options) {
    const grace = options.graceMs ?? limits/* CHILD_KILL_GRACE_MS */.Ox;
    return new Promise((resolve) => {
        const out = [];
        const err = [];
        let outBytes = 0;
        let errBytes = 0;
        let cut = false;
        let timedOut = false;
        let spawnError;
        let killTimer;
        const child = (0,external_node_child_process_.spawn)(command, [...args], {
            // A new session and process group: the kill reaches whatever the child started.
            detached: true,
            stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
            env: options.env,
        });
        const keep = (chunks, used, chunk) => {
            const room = options.maxOutputBytes - used;
            if (room <= 0) {
                cut = true;
                return used;
            }
            if (chunk.length > room)
                cut = true;
            chunks.push(chunk.subarray(0, room));
            return used + Math.min(room, chunk.length);
        };
        child.stdout?.on('data', (chunk) => (outBytes = keep(out, outBytes, chunk)));
        child.stderr?.on('data', (chunk) => (errBytes = keep(err, errBytes, chunk)));
        if (options.input !== undefined && child.stdin) {
            child.stdin.on('error', () => undefined); // a child that never reads stdin
            child.stdin.end(options.input);
        }
        const deadline = setTimeout(() => {
            if (!child.pid)
                return;
            timedOut = true;
            signalGroup(child.pid, 'SIGTERM');
            killTimer = setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), grace);
        }, options.timeoutMs);
        child.once('error', (error) => {
            spawnError = error;
            // No process was started: 'close' still follows for the pipes.
        });
        // The child is done; something it left in its group (a helper it started) may still hold
        // the pipes open and hold 'close' back: it goes, shortly, and is not counted as a timeout.
        child.once('exit', () => {
            const pid = child.pid;
            if (!pid)
                return;
            setTimeout(() => {
                try {
                    process.kill(-pid, 'SIGKILL');
                }
                catch {
                    // nothing left
                }
            }, LEFTOVER_GRACE_MS).unref();
        });
        // 'close', not 'exit': the output is complete then. A grandchild that keeps the pipes open
        // holds 'close' back, so the deadline (which kills the whole group) still ends the wait.
        child.once('close', (code, signal) => {
            clearTimeout(deadline);
            // The child is gone; whatever it left in its group goes too. The group only: the pid alone
            // is reaped now and could belong to another process.
            if (child.pid) {
                try {
                    process.kill(-child.pid, 'SIGKILL');
                }
                catch {
                    // nothing left
                }
            }
            clearTimeout(killTimer);
            resolve({
                code,
                signal,
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
                timedOut,
                spawnError,
                cut,
            });
        });
    });
}

// EXTERNAL MODULE: ./lib/releases/capabilities.js
var capabilities = __webpack_require__(9078);
// EXTERNAL MODULE: ./lib/releases/catalogue.js + 1 modules
var catalogue = __webpack_require__(6426);
;// CONCATENATED MODULE: ./lib/releases/ask-interpreter.js
// Asks the launch interpreter which ai-dynamo it has installed. The parent bounds the question
// (bounded/child.ts): a wrapper script, a shim or a `.pth` file that sleeps would never reach an
// alarm inside Python, so the deadline kills the interpreter's whole process group from outside.
// It sees the environment the launched frontend will see, minus the action's own secrets.





/** The script: prints the installed version, or fails with PackageNotFoundError. */
const VERSION_SCRIPT = "import importlib.metadata as m\nprint(m.version('ai-dynamo'))";
/** What the interpreter printed → the release; pure, for tests. */
function releaseFromOutput(code, stdout, stderr, python) {
    const line = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (code === 0 && (0,catalogue/* parseVersion */.ot)(line))
        return (0,capabilities/* knownRelease */.jx)(line, 'launch interpreter');
    if (/PackageNotFoundError/.test(stderr))
        return (0,capabilities/* unknownRelease */.Wv)(`\`${python}\` has no ai-dynamo package installed`, true);
    return (0,capabilities/* unknownRelease */.Wv)(`\`${python}\` did not report an ai-dynamo version (exit code ${code ?? 'none'})`);
}
async function askInterpreter(python, timeoutMs = limits/* VERSION_PROBE_TIMEOUT_MS */.Zp) {
    const result = await runChild(python, ['-c', VERSION_SCRIPT], {
        timeoutMs,
        maxOutputBytes: limits/* VERSION_PROBE_OUTPUT_BYTES */.q1,
        env: childEnv(process.env),
    });
    if (result.spawnError) {
        // Not found or not executable: the launch itself reports that as launch-failed.
        return (0,capabilities/* unknownRelease */.Wv)(`\`${python}\` could not be run (${result.spawnError.message.split('\n')[0]})`, true);
    }
    if (result.timedOut)
        return (0,capabilities/* unknownRelease */.Wv)(`\`${python}\` did not say which ai-dynamo it has within ${Math.round(timeoutMs / 100) / 10} s and was stopped`);
    return releaseFromOutput(result.code, result.stdout, result.stderr, python);
}


/***/ })

};
