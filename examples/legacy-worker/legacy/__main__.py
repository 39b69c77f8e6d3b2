from legacy import report

print(report())
