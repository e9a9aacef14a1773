namespace RedBook.LoadLab;

internal static class Program
{
    public static Task<int> Main(string[] args) => LabRunner.RunAsync(args);
}
