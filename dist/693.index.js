export const id = 693;
export const ids = [693];
export const modules = {

/***/ 8693:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   askInterpreter: () => (/* binding */ askInterpreter),
/* harmony export */   releaseFromOutput: () => (/* binding */ releaseFromOutput),
/* harmony export */   versionScript: () => (/* binding */ versionScript)
/* harmony export */ });
/* harmony import */ var _actions_exec__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6115);
/* harmony import */ var _capabilities_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(409);
/* harmony import */ var _catalogue_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1130);
// Asks the launch interpreter which ai-dynamo it has installed. @actions/exec cannot kill a child
// on a deadline, so the Python one-liner bounds itself with signal.alarm; its stdout is capped.



const MAX_OUTPUT_BYTES = 4096;
/** The script: exits by SIGALRM after `seconds`, prints the installed version or nothing. */
function versionScript(seconds) {
    return [
        'import signal, importlib.metadata as m',
        `signal.alarm(${Math.max(1, Math.ceil(seconds))})`,
        "print(m.version('ai-dynamo'))",
    ].join('\n');
}
/** What the interpreter printed → the release; pure, for tests. */
function releaseFromOutput(code, stdout, stderr, python) {
    const line = stdout.trim().split('\n').pop()?.trim() ?? '';
    if (code === 0 && (0,_catalogue_js__WEBPACK_IMPORTED_MODULE_2__/* .parseVersion */ .ot)(line))
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_1__/* .knownRelease */ .jx)(line, 'launch interpreter');
    if (/PackageNotFoundError/.test(stderr))
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_1__/* .unknownRelease */ .Wv)(`\`${python}\` has no ai-dynamo package installed`);
    return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_1__/* .unknownRelease */ .Wv)(`\`${python}\` did not report an ai-dynamo version (exit code ${code})`);
}
async function askInterpreter(python, timeoutMs = 10_000) {
    let stdout = '';
    let stderr = '';
    try {
        const code = await (0,_actions_exec__WEBPACK_IMPORTED_MODULE_0__/* .exec */ .m)(python, ['-c', versionScript(timeoutMs / 1000)], {
            silent: true,
            ignoreReturnCode: true,
            listeners: {
                stdout: (data) => {
                    if (stdout.length < MAX_OUTPUT_BYTES)
                        stdout += data.toString('utf8').slice(0, MAX_OUTPUT_BYTES);
                },
                stderr: (data) => {
                    if (stderr.length < MAX_OUTPUT_BYTES)
                        stderr += data.toString('utf8').slice(0, MAX_OUTPUT_BYTES);
                },
            },
        });
        return releaseFromOutput(code, stdout, stderr, python);
    }
    catch (error) {
        // Not found or not executable: the launch itself reports that as launch-failed.
        return (0,_capabilities_js__WEBPACK_IMPORTED_MODULE_1__/* .unknownRelease */ .Wv)(`\`${python}\` could not be run (${error.message.split('\n')[0]})`);
    }
}


/***/ })

};
