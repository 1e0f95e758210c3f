# Build the PeerDesk app folder on Windows with PyInstaller and check that it starts.
# Run in PowerShell from the repository:  powershell -ExecutionPolicy Bypass -File packaging\build.ps1
# Needs Python 3.11+ (python.org installer) on PATH. Output: dist\PeerDesk\ and dist\PeerDesk-windows.zip
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { python -m venv .venv }
$py = ".venv\Scripts\python.exe"
& $py -m pip install --quiet --upgrade pip
& $py -m pip install --quiet . "pyinstaller>=6.5,<7"
if (Test-Path dist\PeerDesk) { Remove-Item -Recurse -Force dist\PeerDesk }
& $py -m PyInstaller --noconfirm --clean --workpath build\pyinstaller --distpath dist packaging\peerdesk.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }

$check = Join-Path $env:TEMP ("peerdesk-check-" + [guid]::NewGuid())
New-Item -ItemType Directory $check | Out-Null
$env:PEERDESK_DATA_DIR = $check; $env:PEERDESK_CONFIG = "$check\config.json"
$env:PEERDESK_DB_PASSPHRASE = "build check"; $env:PYTHON_KEYRING_BACKEND = "keyring.backends.fail.Keyring"
$env:QT_QPA_PLATFORM = "offscreen"
& dist\PeerDesk\peerdesk-cli.exe demo; if ($LASTEXITCODE -ne 0) { throw "demo failed" }
$p = Start-Process dist\PeerDesk\PeerDesk.exe -ArgumentList "--exit-when-painted" -Wait -PassThru
if ($p.ExitCode -ne 0) { throw "the packaged window did not start" }
Remove-Item -Recurse -Force $check
Compress-Archive -Force dist\PeerDesk dist\PeerDesk-windows.zip
Write-Output "built: dist\PeerDesk and dist\PeerDesk-windows.zip"
