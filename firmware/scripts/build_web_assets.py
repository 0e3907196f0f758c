# PlatformIO pre-script: builds the web page (../web) into src/generated/web_assets.h,
# the Linux program's page (the same file). Needs Node.js and npm.
import os
import subprocess

Import("env")  # noqa: F821  (provided by PlatformIO)

project = env["PROJECT_DIR"]  # noqa: F821
web = os.path.normpath(os.path.join(project, "..", "web"))
header = os.path.join(project, "src", "generated", "web_assets.h")
if not os.path.isdir(os.path.join(web, "node_modules")):
    subprocess.check_call(["npm", "ci", "--no-audit", "--no-fund"], cwd=web)
subprocess.check_call(["node", os.path.join(web, "build.mjs"), header], cwd=web)
