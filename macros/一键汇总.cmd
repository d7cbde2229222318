@echo off
chcp 65001 >nul
rem 双击运行：用 zwgk_control.xlsm 中“设置”表的路径进行一键汇总（无需打开 Excel，WPS 用户也可用）。
cd /d "%~dp0"
python -m zwgk_xl.cli run zwgk_control.xlsm --action consolidate
pause
