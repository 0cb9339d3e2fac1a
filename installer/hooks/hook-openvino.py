# pyinstaller-hooks-contrib has no working OpenVINO hook (STACK.md 4.10): collect the CPU plugin and
# the IR/ONNX frontends ourselves; leave out GPU/NPU plugins and TF/Paddle/JAX/PyTorch frontends.
import glob
import os

from PyInstaller.utils.hooks import get_package_paths

_, _pkg = get_package_paths("openvino")
_libs = os.path.join(_pkg, "libs")
_SKIP = ("gpu_plugin", "npu_plugin", "tensorflow", "paddle", "jax", "pytorch")
binaries = [(f, "openvino/libs") for f in glob.glob(os.path.join(_libs, "*.so*"))
            if not any(s in os.path.basename(f) for s in _SKIP)]
datas = [(f, "openvino/libs") for f in glob.glob(os.path.join(_libs, "*.json"))]
