# Build the bundle and the installer on a Windows build machine (Python 3.11, Inno Setup 6 installed).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
py -3.11 -m venv .venv
.venv\Scripts\pip install -r requirements-dev.txt
.venv\Scripts\pip install --no-deps -r requirements-models.txt
.venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller `
  installer\alpr-console.spec
& "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" installer\windows\alpr-console.iss
