Attribute VB_Name = "zwgk"
' 政务公开重点任务清单 —— 按钮与功能区回调。每个 Sub 用 ASCII 模块路径调用 RunPython
' （xlwings 按文件名导入模块时遇到中文文件名会出错，所以这里直接写 zwgk_xl.xl）。
' 导入方法见 macros/README.md。

Sub ZwgkConsolidate()
    RunPython "import zwgk_xl.xl; zwgk_xl.xl.consolidate()"
End Sub

Sub ZwgkBuildSplit()
    RunPython "import zwgk_xl.xl; zwgk_xl.xl.build_and_split()"
End Sub

Sub ZwgkSendSummary()
    RunPython "import zwgk_xl.xl; zwgk_xl.xl.send_summary()"
End Sub

Sub ZwgkNextRound()
    RunPython "import zwgk_xl.xl; zwgk_xl.xl.next_round()"
End Sub

' 功能区按钮回调（customUI.xml 中的 onAction）
Sub ZwgkRibbonConsolidate(control As IRibbonControl)
    ZwgkConsolidate
End Sub

Sub ZwgkRibbonBuildSplit(control As IRibbonControl)
    ZwgkBuildSplit
End Sub

Sub ZwgkRibbonSendSummary(control As IRibbonControl)
    ZwgkSendSummary
End Sub

Sub ZwgkRibbonNextRound(control As IRibbonControl)
    ZwgkNextRound
End Sub
