"""Portuguese (Brazilian, as most of Amplify UI's Portuguese dictionary): every key of ``LABELS``
(vocabularies.py). Where Amplify UI words the same phrase, this table agrees with it; "pt-BR" and "pt-PT" both
fall back to it."""

from __future__ import annotations

__all__ = ["PT"]

PT: dict[str, str] = {
    # sign in
    "Sign in to your account": "Faça login na sua conta", "Email": "E-mail", "Phone Number": "Número de telefone",
    "Username": "Nome de usuário", "Email or Phone Number": "E-mail ou número de telefone", "Password": "Senha",
    "Enter your Password": "Digite sua senha", "Sign In": "Entrar", "Forgot your password?": "Esqueceu sua senha?",
    "Create Account": "Criar conta", "Sign In with Google": "Entrar com o Google",
    "Sign In with Facebook": "Entrar com o Facebook", "Sign In with Amazon": "Entrar com a Amazon",
    "Sign In with {provider}": "Entrar com {provider}", "or": "ou",
    # challenges
    "Confirm SMS Code": "Confirmar código SMS", "Confirm TOTP Code": "Confirmar código TOTP",
    "Confirm Email Code": "Confirmar código de e-mail", "Confirm Sign In": "Confirmar login", "Code": "Código",
    "Enter your code": "Digite seu código", "Confirm": "Confirmar", "Back to Sign In": "Voltar para o login",
    "Enter the code from your authenticator app": "Digite o código do seu aplicativo autenticador",
    "Select MFA Type": "Selecione o tipo de MFA", "Continue": "Continuar", "SMS": "SMS",
    "Authenticator App (TOTP)": "Aplicativo autenticador (TOTP)", "No MFA": "Sem MFA",
    "Setup TOTP": "Configurar TOTP",
    "Scan this QR code with your authenticator app, or enter the key below":
        "Escaneie este código QR com seu aplicativo autenticador ou digite a chave abaixo",
    "Change Password": "Alterar senha", "New password": "Nova senha",
    "Enter your new password": "Digite sua nova senha",
    "Confirm Password": "Confirmar senha", "Please confirm your Password": "Confirme sua senha",
    "Custom Challenge": "Desafio personalizado", "Answer": "Resposta", "Enter your answer": "Digite sua resposta",
    # choice-based sign-in and e-mail MFA set-up
    "Choose how to sign in": "Escolha como entrar", "Sign In with Password": "Entrar com senha",
    "Sign In with Email": "Entrar com e-mail", "Sign In with SMS": "Entrar com SMS",
    "Setup Email": "Configurar e-mail", "Enter your Email": "Digite seu e-mail",
    "Multi-Factor Authentication Setup": "Configuração da autenticação multifator",
    # the hosted UI
    "Sign In with Apple": "Entrar com a Apple", "Sign In with the Hosted UI": "Entrar pela página hospedada",
    "Open the sign-in page": "Abrir a página de login",
    "Sign in on the page that opens; this notebook continues by itself":
        "Entre na página que se abrir; este notebook continua sozinho",
    "After signing in, copy the address your browser ended on and paste it here":
        "Depois de entrar, copie o endereço em que seu navegador parou e cole-o aqui",
    "Address your browser ended on": "Endereço em que seu navegador parou",
    "Paste the whole address from the address bar": "Cole o endereço completo da barra de endereços",
    "Cancel": "Cancelar", "Sign out of the hosted UI too": "Sair também da página hospedada",
    # attributes
    "Name": "Nome", "Given Name": "Primeiro nome", "Family Name": "Sobrenome", "Middle Name": "Nome do meio",
    "Nickname": "Apelido", "Preferred Username": "Nome de usuário preferido", "Birthdate": "Data de nascimento",
    "Address": "Endereço", "Gender": "Gênero", "Locale": "Idioma", "Picture": "Foto", "Profile": "Perfil",
    "Website": "Site", "Zone Info": "Fuso horário",
    # sign up, reset, verify, signed in
    "Confirm Sign Up": "Confirmar cadastro", "Confirmation Code": "Código de confirmação",
    "Resend Code": "Reenviar código", "Reset Password": "Redefinir senha", "Send code": "Enviar código",
    "Submit": "Enviar",
    "Account recovery requires verified contact information":
        "A recuperação da conta requer informações de contato verificadas",
    "Verify": "Verificar", "Skip": "Pular", "Hello, {name}": "Olá, {name}", "Hello": "Olá",
    "Not signed in": "Não conectado", "Sign Out": "Sair", "Verify Security Token": "Verificar código",
    "Success! Your MFA Type is now: {mfa_type}": "Pronto! Seu tipo de MFA agora é: {mfa_type}",
    "TOTP has been set up successfully": "O TOTP foi configurado",
    # form controls and live checks
    "Show password": "Mostrar senha", "Hide password": "Ocultar senha", "Show": "Mostrar", "Hide": "Ocultar",
    "Copy": "Copiar", "Copied": "Copiado", "Key": "Chave",
    "QR code for your authenticator app": "Código QR para seu aplicativo autenticador",
    "Password must have at least {n} characters": "A senha deve ter pelo menos {n} caracteres",
    "Password must have lower case letters": "A senha deve conter letras minúsculas",
    "Password must have upper case letters": "A senha deve conter letras maiúsculas",
    "Password must have numbers": "A senha deve conter números",
    "Password must have special characters": "A senha deve conter caracteres especiais",
    # notices
    "We emailed you a code at {destination}": "Enviamos um código por e-mail para {destination}",
    "We texted you a code at {destination}": "Enviamos um código por SMS para {destination}",
    "Account created; sign in": "Conta criada; faça login",
    "Account confirmed; sign in": "Conta confirmada; faça login",
    "Password changed; sign in": "Senha alterada; faça login",
    "Your password must be reset before you sign in": "Você precisa redefinir sua senha antes de entrar",
    # errors
    "Your passwords must match": "As senhas devem ser iguais",
    "Something went wrong; please try again": "Algo deu errado; tente novamente",
    "Incorrect username or password.": "Nome de usuário ou senha incorretos.",
    "User does not exist.": "O usuário não existe.", "User already exists": "O usuário já existe",
    "User is disabled.": "O usuário está desativado.", "User is not confirmed.": "O usuário não está confirmado.",
    "Invalid verification code provided, please try again.": "Código de verificação inválido, tente novamente.",
    "Invalid code provided, please request a code again.": "Código inválido, solicite um novo código.",
    "Attempt limit exceeded, please try after some time.": "Limite de tentativas excedido, tente novamente mais tarde.",
    "Invalid session for the user, session is expired.": "A sessão expirou; faça login novamente.",
    "An account with the given email already exists.": "Já existe uma conta com este e-mail.",
    "username is empty": "O nome de usuário está vazio", "password is empty": "A senha está vazia",
    "code is empty": "O código está vazio", "new_password is empty": "A nova senha está vazia",
    "answer is empty": "A resposta está vazia",
    "code must be letters and digits only": "O código deve conter apenas letras e dígitos",
    "email is empty": "O e-mail está vazio", "email must be an e-mail address": "Digite um endereço de e-mail",
    "Invalid code or auth state for the user.": "Código inválido; tente novamente.",
    # Amplify's sign-up heading and placeholders, and more of Cognito's messages
    "Create a new account": "Criar uma nova conta", "Enter your username": "Digite seu nome de usuário",
    "Enter your Phone Number": "Digite seu número de telefone",
    "Password attempts exceeded": "Número de tentativas de senha excedido; tente novamente mais tarde",
    "Username/client id combination not found.": "O usuário não existe.",
    "Password reset required for the user": "É necessário redefinir sua senha",
    "Temporary password has expired and must be reset by an administrator.":
        "A senha temporária expirou e precisa ser redefinida por um administrador.",
    "Invalid session for the user.": "A sessão é inválida; faça login novamente.",
    "An account with the given phone number already exists.": "Já existe uma conta com este número de telefone.",
    "User cannot be confirmed. Current status is CONFIRMED": "Esta conta já está confirmada",
    "Cannot reset password for the user as there is no registered/verified email or phone_number":
        "Não é possível redefinir a senha: não há e-mail nem número de telefone verificado",
    "Code mismatch and fail enable Software Token MFA": "Código incorreto: o TOTP não foi ativado",
    "Invalid email address format.": "Formato de e-mail inválido.",
    "Invalid phone number format.": "Formato de número de telefone inválido.",
    "Password did not conform with policy: Password not long enough":
        "A senha não atende à política: é curta demais",
    "Password did not conform with policy: Password must have uppercase characters":
        "A senha não atende à política: deve conter letras maiúsculas",
    "Password did not conform with policy: Password must have lowercase characters":
        "A senha não atende à política: deve conter letras minúsculas",
    "Password did not conform with policy: Password must have numeric characters":
        "A senha não atende à política: deve conter números",
    "Password did not conform with policy: Password must have symbol characters":
        "A senha não atende à política: deve conter caracteres especiais",
    "{label} is required": "{label} é obrigatório",
}
