"""Spanish: every key of ``LABELS`` (vocabularies.py), in the formal register ("usted"). Where Amplify UI's
Spanish dictionary words the same phrase, this table agrees with it."""

from __future__ import annotations

__all__ = ["ES"]

ES: dict[str, str] = {
    # sign in
    "Sign in to your account": "Iniciar sesión en su cuenta", "Email": "Correo electrónico",
    "Phone Number": "Número de teléfono", "Username": "Nombre de usuario",
    "Email or Phone Number": "Correo electrónico o número de teléfono", "Password": "Contraseña",
    "Enter your Password": "Introduzca su contraseña", "Sign In": "Iniciar sesión",
    "Forgot your password?": "¿Olvidó su contraseña?", "Create Account": "Crear cuenta",
    "Sign In with Google": "Iniciar sesión con Google", "Sign In with Facebook": "Iniciar sesión con Facebook",
    "Sign In with Amazon": "Iniciar sesión con Amazon", "Sign In with {provider}": "Iniciar sesión con {provider}",
    "or": "o",
    # challenges
    "Confirm SMS Code": "Confirmar código SMS", "Confirm TOTP Code": "Confirmar código TOTP",
    "Confirm Email Code": "Confirmar código de correo electrónico", "Confirm Sign In": "Confirmar inicio de sesión",
    "Code": "Código", "Enter your code": "Introduzca su código", "Confirm": "Confirmar",
    "Back to Sign In": "Volver a inicio de sesión",
    "Enter the code from your authenticator app": "Introduzca el código de su aplicación de autenticación",
    "Select MFA Type": "Seleccione el tipo de MFA", "Continue": "Continuar", "SMS": "SMS",
    "Authenticator App (TOTP)": "Aplicación de autenticación (TOTP)", "No MFA": "Sin MFA",
    "Setup TOTP": "Configurar TOTP",
    "Scan this QR code with your authenticator app, or enter the key below":
        "Escanee este código QR con su aplicación de autenticación o introduzca la clave que aparece abajo",
    "Change Password": "Cambiar contraseña", "New password": "Nueva contraseña",
    "Enter your new password": "Introduzca su nueva contraseña", "Confirm Password": "Confirmar contraseña",
    "Please confirm your Password": "Confirme su contraseña", "Custom Challenge": "Desafío personalizado",
    "Answer": "Respuesta", "Enter your answer": "Introduzca su respuesta",
    # choice-based sign-in and e-mail MFA set-up
    "Choose how to sign in": "Elija cómo iniciar sesión", "Sign In with Password": "Iniciar sesión con contraseña",
    "Sign In with Email": "Iniciar sesión con correo electrónico", "Sign In with SMS": "Iniciar sesión con SMS",
    "Setup Email": "Configurar correo electrónico", "Enter your Email": "Introduzca su correo electrónico",
    "Multi-Factor Authentication Setup": "Configuración de la autenticación multifactor",
    # the hosted UI
    "Sign In with Apple": "Iniciar sesión con Apple",
    "Sign In with the Hosted UI": "Iniciar sesión en la página alojada",
    "Open the sign-in page": "Abrir la página de inicio de sesión",
    "Sign in on the page that opens; this notebook continues by itself":
        "Inicie sesión en la página que se abre; este notebook continuará por sí solo",
    "After signing in, copy the address your browser ended on and paste it here":
        "Después de iniciar sesión, copie la dirección en la que terminó su navegador y péguela aquí",
    "Address your browser ended on": "Dirección final de su navegador",
    "Paste the whole address from the address bar": "Pegue la dirección completa de la barra de direcciones",
    "Cancel": "Cancelar", "Sign out of the hosted UI too": "Cerrar sesión también en la página alojada",
    # attributes
    "Name": "Nombre", "Given Name": "Nombre de pila", "Family Name": "Apellido", "Middle Name": "Segundo nombre",
    "Nickname": "Apodo", "Preferred Username": "Nombre de usuario preferido", "Birthdate": "Fecha de nacimiento",
    "Address": "Dirección", "Gender": "Género", "Locale": "Idioma", "Picture": "Foto", "Profile": "Perfil",
    "Website": "Sitio web", "Zone Info": "Zona horaria",
    # sign up, reset, verify, signed in
    "Confirm Sign Up": "Confirmar registro", "Confirmation Code": "Código de confirmación",
    "Resend Code": "Reenviar código", "Reset Password": "Restablecer contraseña", "Send code": "Enviar código",
    "Submit": "Enviar",
    "Account recovery requires verified contact information":
        "La recuperación de la cuenta requiere información de contacto verificada",
    "Verify": "Verificar", "Skip": "Omitir", "Hello, {name}": "Hola, {name}", "Hello": "Hola",
    "Not signed in": "Sesión no iniciada", "Sign Out": "Cerrar sesión", "Verify Security Token": "Verificar código",
    "Success! Your MFA Type is now: {mfa_type}": "¡Listo! Su tipo de MFA es ahora: {mfa_type}",
    "TOTP has been set up successfully": "TOTP se ha configurado correctamente",
    # form controls and live checks
    "Show password": "Mostrar contraseña", "Hide password": "Ocultar contraseña", "Show": "Mostrar",
    "Hide": "Ocultar", "Copy": "Copiar", "Copied": "Copiado", "Key": "Clave",
    "QR code for your authenticator app": "Código QR para su aplicación de autenticación",
    "Password must have at least {n} characters": "La contraseña debe tener al menos {n} caracteres",
    "Password must have lower case letters": "La contraseña debe contener letras minúsculas",
    "Password must have upper case letters": "La contraseña debe contener letras mayúsculas",
    "Password must have numbers": "La contraseña debe contener números",
    "Password must have special characters": "La contraseña debe contener caracteres especiales",
    # notices
    "We emailed you a code at {destination}": "Le enviamos un código por correo electrónico a {destination}",
    "We texted you a code at {destination}": "Le enviamos un código por SMS al {destination}",
    "Account created; sign in": "Cuenta creada; inicie sesión",
    "Account confirmed; sign in": "Cuenta confirmada; inicie sesión",
    "Password changed; sign in": "Contraseña cambiada; inicie sesión",
    "Your password must be reset before you sign in": "Debe restablecer su contraseña antes de iniciar sesión",
    # errors
    "Your passwords must match": "Las contraseñas deben coincidir",
    "Something went wrong; please try again": "Algo salió mal; inténtelo de nuevo",
    "Incorrect username or password.": "Nombre de usuario o contraseña incorrectos.",
    "User does not exist.": "El usuario no existe.", "User already exists": "El usuario ya existe",
    "User is disabled.": "El usuario está deshabilitado.", "User is not confirmed.": "El usuario no está confirmado.",
    "Invalid verification code provided, please try again.": "Código de verificación no válido, inténtelo de nuevo.",
    "Invalid code provided, please request a code again.": "Código no válido, solicite un código nuevo.",
    "Attempt limit exceeded, please try after some time.": "Se superó el límite de intentos; inténtelo más tarde.",
    "Invalid session for the user, session is expired.": "La sesión ha caducado; vuelva a iniciar sesión.",
    "An account with the given email already exists.": "Ya existe una cuenta con este correo electrónico.",
    "username is empty": "El nombre de usuario está vacío", "password is empty": "La contraseña está vacía",
    "code is empty": "El código está vacío", "new_password is empty": "La nueva contraseña está vacía",
    "answer is empty": "La respuesta está vacía",
    "code must be letters and digits only": "El código solo puede contener letras y dígitos",
    "email is empty": "El correo electrónico está vacío",
    "email must be an e-mail address": "Introduzca una dirección de correo electrónico",
    "Invalid code or auth state for the user.": "Código no válido; inténtelo de nuevo.",
    # Amplify's sign-up heading and placeholders, and more of Cognito's messages
    "Create a new account": "Crear una cuenta nueva", "Enter your username": "Introduzca su nombre de usuario",
    "Enter your Phone Number": "Introduzca su número de teléfono",
    "Password attempts exceeded": "Se superó el número de intentos de contraseña; inténtelo más tarde",
    "Username/client id combination not found.": "El usuario no existe.",
    "Password reset required for the user": "Debe restablecer su contraseña",
    "Temporary password has expired and must be reset by an administrator.":
        "La contraseña temporal ha caducado y un administrador debe restablecerla.",
    "Invalid session for the user.": "La sesión no es válida; vuelva a iniciar sesión.",
    "An account with the given phone number already exists.": "Ya existe una cuenta con este número de teléfono.",
    "User cannot be confirmed. Current status is CONFIRMED": "Esta cuenta ya está confirmada",
    "Cannot reset password for the user as there is no registered/verified email or phone_number":
        "No se puede restablecer la contraseña: no hay ningún correo electrónico ni número de teléfono verificado",
    "Code mismatch and fail enable Software Token MFA": "Código incorrecto: no se activó TOTP",
    "Invalid email address format.": "Formato de correo electrónico no válido.",
    "Invalid phone number format.": "Formato de número de teléfono no válido.",
    "Password did not conform with policy: Password not long enough":
        "La contraseña no cumple la política: es demasiado corta",
    "Password did not conform with policy: Password must have uppercase characters":
        "La contraseña no cumple la política: debe contener mayúsculas",
    "Password did not conform with policy: Password must have lowercase characters":
        "La contraseña no cumple la política: debe contener minúsculas",
    "Password did not conform with policy: Password must have numeric characters":
        "La contraseña no cumple la política: debe contener números",
    "Password did not conform with policy: Password must have symbol characters":
        "La contraseña no cumple la política: debe contener caracteres especiales",
    "{label} is required": "{label} es obligatorio",
}
