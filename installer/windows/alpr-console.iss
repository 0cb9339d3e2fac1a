; Inno Setup script for the same one-folder bundle, built on Windows with installer\build.ps1
; (PyInstaller with the same spec). Communications-centre workstations are mostly Windows.
#define AppName "ALPR Dispatch Console"
#define AppVersion "0.1.0"

[Setup]
AppId={{6C1D3B8E-6B0E-4C1B-9A55-2B7E0F3A9D11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Agency IT
DefaultDirName={autopf}\ALPR Console
DefaultGroupName={#AppName}
OutputBaseFilename=alpr-console-setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin

[Files]
Source: "..\..\dist\alpr-console\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\alpr-console.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\alpr-console.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\alpr-console.exe"; Description: "Start {#AppName}"; Flags: nowait postinstall skipifsilent
