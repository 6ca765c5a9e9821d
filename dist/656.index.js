export const id = 656;
export const ids = [656];
export const modules = {

/***/ 4559:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ runChild)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var _limits_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3897);
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
    const grace = options.graceMs ?? _limits_js__WEBPACK_IMPORTED_MODULE_1__/* .CHILD_KILL_GRACE_MS */ .Ox;
    return new Promise((resolve) => {
        const out = [];
        const err = [];
        let outBytes = 0;
        let errBytes = 0;
        let cut = false;
        let timedOut = false;
        let spawnError;
        let killTimer;
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, [...args], {
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


/***/ }),

/***/ 4656:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   askInterpreter: () => (/* binding */ askInterpreter)
/* harmony export */ });
/* unused harmony exports VERSION_SCRIPT, releaseFromOutput */
/* harmony import */ var _bounded_child_env_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7933);
/* harmony import */ var _bounded_child_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4559);
/* harmony import */ var _bounded_limits_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3897);
/* harmony import */ var _capabilities_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9078);
/* harmony import */ var _catalogue_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6426);
// Asks the launch interpreter which ai-dynamo it has installed. The parent bounds the question
// (bounded/child.ts): a wrapper script, a shim or a `.pth` file that sleeps would never reach an
// alarm inside Python, so the deadline kills the interpreter's whole process group from outside.
// It sees the environment the launched frontend will see, minus the action's own secrets.





/** The script: prints the installed version, or fails with PackageNotFoundError. */
const VERSION_SCRIPT = "import importlib.metadata as m\nprint(m.version('ai-dynamo'))";
/** What the interpreter printed → the release; pure, for tests. */
function releaseFromOutput(code, stdout, stderr, python) {
    const line = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (code === 0 && (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_4__/* .parseVersion */ .ot)(line))
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_3__/* .knownRelease */ .jx)(line, 'launch interpreter');
    if (/PackageNotFoundError/.test(stderr))
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_3__/* .unknownRelease */ .Wv)(`\`${python}\` has no ai-dynamo package installed`, true);
    return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_3__/* .unknownRelease */ .Wv)(`\`${python}\` did not report an ai-dynamo version (exit code ${code ?? 'none'})`);
}
async function askInterpreter(python, timeoutMs = _bounded_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .VERSION_PROBE_TIMEOUT_MS */ .Zp) {
    const result = await (0,_bounded_child_js__WEBPACK_IMPORTED_MODULE_1__/* .runChild */ .w)(python, ['-c', VERSION_SCRIPT], {
        timeoutMs,
        maxOutputBytes: _bounded_limits_js__WEBPACK_IMPORTED_MODULE_2__/* .VERSION_PROBE_OUTPUT_BYTES */ .q1,
        env: (0,_bounded_child_env_js__WEBPACK_IMPORTED_MODULE_0__/* .childEnv */ .g)(process.env),
    });
    if (result.spawnError) {
        // Not found or not executable: the launch itself reports that as launch-failed.
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_3__/* .unknownRelease */ .Wv)(`\`${python}\` could not be run (${result.spawnError.message.split('\n')[0]})`, true);
    }
    if (result.timedOut)
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_3__/* .unknownRelease */ .Wv)(`\`${python}\` did not say which ai-dynamo it has within ${Math.round(timeoutMs / 100) / 10} s and was stopped`);
    return releaseFromOutput(result.code, result.stdout, result.stderr, python);
}


/***/ })

};
